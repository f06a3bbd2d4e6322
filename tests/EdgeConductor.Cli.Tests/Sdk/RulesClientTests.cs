using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Rules;

namespace EdgeConductor.Cli.Tests.Sdk;

/// <summary>The SDK's Rules group against the real server (seed 000 <c>ec.rules</c>).</summary>
[Collection(ServerCollection.Name)]
public sealed class RulesClientTests(ServerFixture server)
{
    [Fact]
    public async Task ThresholdScheduleListEnableDisableDelete()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);

        var t = await ec.Rules.ThresholdAsync(org.Id, new ThresholdRuleRequest("CO2 High Alert", "co2", ">", 1000, new RuleAction("relay", true),
            "https://hooks.example.com/ec") { ForSeconds = 30, ClearValue = 900 });
        Assert.Equal("threshold", t.RuleType);
        Assert.Equal(1000, t.Condition.GetProperty("value").GetInt32());
        Assert.Equal(30, t.Condition.GetProperty("for_seconds").GetInt32());
        Assert.Equal("https://hooks.example.com/ec", t.WebhookUrl);
        Assert.True(t.Enabled);

        var s = await ec.Rules.ScheduleAsync(org.Id, new ScheduleRuleRequest("Night shutoff", "22:00", ["mon", "tue", "wed", "thu", "fri"], new RuleAction("relay", false)));
        Assert.Equal("22:00", s.Condition.GetProperty("time").GetString());
        Assert.False(s.Action.GetProperty("value").GetBoolean());

        Assert.Equal([t.Id, s.Id], (await ec.Rules.ListAsync(org.Id)).Select(r => r.Id).ToArray());
        Assert.False((await ec.Rules.DisableAsync(t.Id)).Enabled);
        Assert.True((await ec.Rules.EnableAsync(t.Id)).Enabled);
        Assert.True((await ec.Rules.DeleteAsync(t.Id)).IsDeleted);
        Assert.Equal(404, (await Assert.ThrowsAsync<EdgeConductorApiException>(() => ec.Rules.GetAsync(t.Id))).Status);
    }

    [Fact]
    public async Task InvalidOp_Is400_NamingTheField()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);
        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() =>
            ec.Rules.ThresholdAsync(org.Id, new ThresholdRuleRequest("x", "co2", "=>", 1, new RuleAction("relay", true))));
        Assert.Equal(400, ex.Status);
        Assert.Contains("condition.op", ex.Message);
    }
}
