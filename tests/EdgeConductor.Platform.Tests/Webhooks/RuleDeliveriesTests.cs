using System.Net;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeConductor.Platform.Tests.Webhooks;

/// <summary>
/// <c>GET /rules/:id/deliveries</c>: the rule's deliveries for managers of its org, 404 for a rule that does not exist or
/// that the caller cannot see. Rules come from the rules feature (POST /orgs/:id/rules and IRuleDirectory), which is merged
/// from its own branch: these tests pass only once it is.
/// </summary>
public sealed class RuleDeliveriesTests : WebhookServerTest
{
    private async Task<string> CreateRuleAsync(TestOrg org, string url)
    {
        var rule = await org.Http.PostJsonAsync($"orgs/{org.Id}/rules", new
        {
            name = "CO2 high", rule_type = "threshold", condition = new { field = "co2", op = ">", value = 1000 },
            action = new { key = "relay", value = true }, webhook_url = url,
        }, HttpStatusCode.Created);
        return rule["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task TheLog_ListsTheRulesDeliveries_WithStatusAttemptsCodeLatencyAndNextRetry()
    {
        var org = await TestOrg.CreateAsync(Server);
        Receiver.On("/rule-flaky", 503);
        var rule = await CreateRuleAsync(org, Receiver.Url("/rule-ok"));
        var ok = await Server.EnqueueAsync(org.Id, Receiver.Url("/rule-ok"), ruleId: rule);
        var flaky = await Server.EnqueueAsync(org.Id, Receiver.Url("/rule-flaky"), ruleId: rule);
        await Server.EnqueueAsync(org.Id, Receiver.Url("/rule-ok"), ruleId: "another-rule");
        await org.DeliveryAsync(ok, d => d.Is("succeeded"));
        await org.DeliveryAsync(flaky, d => d.Attempts() == 1);

        var log = (await org.GetAsync($"rules/{rule}/deliveries")).AsArray();
        Assert.Equal([flaky, ok], log.Select(d => d!["id"]!.GetValue<string>()));
        var f = log[0]!;
        Assert.Equal("pending", f["status"]!.GetValue<string>());
        Assert.Equal(1, f["attempts"]!.GetValue<int>());
        Assert.Equal(503, f["response_code"]!.GetValue<int>());
        Assert.NotNull(f["latency_ms"]);
        Assert.NotNull(f["next_attempt_at"]);
        Assert.Equal(200, log[1]!["response_code"]!.GetValue<int>());
    }

    [Fact]
    public async Task AnUnknownRule_OrAnotherOrgsRule_Is404()
    {
        var org = await TestOrg.CreateAsync(Server);
        var other = await TestOrg.CreateAsync(Server);
        var rule = await CreateRuleAsync(org, Receiver.Url("/rule-404"));
        await org.GetAsync($"rules/{rule}/deliveries");
        await other.GetAsync($"rules/{rule}/deliveries", HttpStatusCode.NotFound);
        await org.GetAsync($"rules/{Guid.NewGuid()}/deliveries", HttpStatusCode.NotFound);
    }
}
