using System.Text.Json.Nodes;
using EdgeConductor.Server.Rules;

namespace EdgeConductor.Platform.Tests.Rules;

/// <summary>
/// The index the threshold engine uses to find the rules a reading can move must answer exactly what testing every rule
/// with <see cref="ThresholdEvaluator.Holds"/> answers: a rule it misses would never fire, an extra one would only cost
/// time. Compared on seeded random rule sets and readings, including ties, -0, strings, booleans and non-numeric
/// thresholds.
/// </summary>
public sealed class ThresholdIndexTests
{
    private static readonly string[] Ops = [">", "<", ">=", "<=", "==", "!="];

    private static Rule MakeRule(int i, string op, JsonNode value) =>
        new(new RuleRecord { Id = $"r{i:D4}", OrgId = "o", RuleType = RuleTypes.Threshold },
            new ThresholdCondition("temp", op, value, 0, null), null, new RuleAction("relay", true), null, RuleScope.All);

    private static JsonNode? RandomValue(Random rng) => rng.Next(12) switch
    {
        0 => JsonValue.Create("on"),
        1 => JsonValue.Create(rng.Next(2) == 0),
        2 => JsonValue.Create(-0.0),
        3 => null,
        _ => JsonValue.Create(rng.Next(-5, 6) * 0.5), // small domain: many ties with the thresholds
    };

    private static List<int> Expected(IReadOnlyList<Rule> rules, JsonNode? value) =>
        [.. Enumerable.Range(0, rules.Count).Where(i => ThresholdEvaluator.Holds(rules[i].Threshold!, value) == true)];

    private static List<int> Actual(ThresholdIndex index, JsonNode? value)
    {
        var into = new List<int>();
        index.Matching(value, ThresholdEvaluator.Number(value), into);
        into.Sort();
        return into;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void MatchesExactlyTheRulesWhoseConditionHolds(int seed)
    {
        var rng = new Random(seed);
        var rules = Enumerable.Range(0, 300).Select(i => MakeRule(i, Ops[rng.Next(Ops.Length)], RandomValue(rng) ?? JsonValue.Create(1.0)!)).ToList();
        var index = new ThresholdIndex(rules);
        var checkedMatches = 0;
        for (var k = 0; k < 500; k++)
        {
            var value = RandomValue(rng);
            var expected = Expected(rules, value);
            Assert.Equal(expected, Actual(index, value));
            checkedMatches += expected.Count;
        }
        Assert.True(checkedMatches > 1000, "the random cases must include many matches");
    }

    [Fact]
    public void BoundariesFollowTheOperator()
    {
        var rules = new[] { MakeRule(0, ">", JsonValue.Create(10)), MakeRule(1, ">=", JsonValue.Create(10)),
            MakeRule(2, "<", JsonValue.Create(10)), MakeRule(3, "<=", JsonValue.Create(10)), MakeRule(4, "==", JsonValue.Create(10)),
            MakeRule(5, "!=", JsonValue.Create(10)), MakeRule(6, ">", JsonValue.Create("x")) };
        var index = new ThresholdIndex(rules);
        Assert.Equal([1, 3, 4], Actual(index, JsonValue.Create(10.0)));
        Assert.Equal([0, 1, 5], Actual(index, JsonValue.Create(10.5)));
        Assert.Equal([2, 3, 5], Actual(index, JsonValue.Create(9)));
        Assert.Equal([5], Actual(index, JsonValue.Create("10"))); // a string is never ordered and never equals a number
        Assert.Equal(rules, index.Rules);
        Assert.Same(rules[6], index.ById["r0006"]);
    }
}
