using System.Text.Json.Nodes;
using EdgeConductor.Server.Rules;

namespace EdgeConductor.Platform.Tests.Rules;

/// <summary>The comparison and hysteresis rules of threshold conditions.</summary>
public sealed class ThresholdEvaluatorTests
{
    private static ThresholdCondition C(string op, JsonNode value, double? clear = null) => new("co2", op, value, 0, clear);

    [Theory]
    [InlineData(">", 1000, 1000.5, true)]
    [InlineData(">", 1000, 1000, false)]
    [InlineData(">=", 1000, 1000, true)]
    [InlineData("<", 10, 9.9, true)]
    [InlineData("<=", 10, 10.1, false)]
    [InlineData("==", 5, 5, true)]
    [InlineData("!=", 5, 5, false)]
    public void Numbers(string op, double threshold, double reading, bool expected) =>
        Assert.Equal(expected, ThresholdEvaluator.Holds(C(op, JsonValue.Create(threshold)), JsonValue.Create(reading)));

    [Fact]
    public void NonNumbers_NeitherMatchNorClear_ForOrderingOps()
    {
        Assert.Null(ThresholdEvaluator.Holds(C(">", JsonValue.Create(1000)), JsonValue.Create("high")));
        Assert.Null(ThresholdEvaluator.Clears(C(">", JsonValue.Create(1000)), JsonValue.Create("high")));
    }

    [Fact]
    public void Equality_ComparesStringsAndBooleans()
    {
        Assert.True(ThresholdEvaluator.Holds(C("==", JsonValue.Create("open")), JsonValue.Create("open")));
        Assert.True(ThresholdEvaluator.Holds(C("!=", JsonValue.Create("open")), JsonValue.Create("closed")));
        Assert.True(ThresholdEvaluator.Holds(C("==", JsonValue.Create(true)), JsonNode.Parse("true")));
        Assert.False(ThresholdEvaluator.Holds(C("==", JsonValue.Create(true)), JsonNode.Parse("false")));
        Assert.False(ThresholdEvaluator.Holds(C("==", JsonValue.Create(1)), JsonValue.Create("1")));
    }

    [Fact]
    public void Hysteresis_ClearsOnlyPastTheClearValue()
    {
        var c = C(">", JsonValue.Create(1000), clear: 900);
        Assert.False(ThresholdEvaluator.Clears(c, JsonValue.Create(950)));  // below the threshold, above clear_value: still firing
        Assert.False(ThresholdEvaluator.Clears(c, JsonValue.Create(900)));
        Assert.True(ThresholdEvaluator.Clears(c, JsonValue.Create(899)));
        var low = C("<", JsonValue.Create(10), clear: 12);
        Assert.False(ThresholdEvaluator.Clears(low, JsonValue.Create(11)));
        Assert.True(ThresholdEvaluator.Clears(low, JsonValue.Create(12.5)));
        // Without clear_value it clears as soon as the condition no longer holds.
        Assert.True(ThresholdEvaluator.Clears(C(">", JsonValue.Create(1000)), JsonValue.Create(1000)));
    }
}
