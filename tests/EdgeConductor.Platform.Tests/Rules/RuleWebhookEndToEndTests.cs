using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Platform.Tests.Webhooks;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Rules;

/// <summary>
/// The whole chain with nothing stood in: a device's reading fires a threshold rule, the device receives the action on
/// devices/{serial}/shadow/desired (mosquitto_sub), and the rule's webhook reaches a real HTTP receiver from the durable
/// outbox — the seed 001 payload, signed per Standard Webhooks with the org's secret — and is in the rule's delivery log.
/// </summary>
public sealed class RuleWebhookEndToEndTests : WebhookServerTest
{
    [Fact]
    public async Task AReadingOverTheThreshold_ActsOnTheDevice_AndDeliversTheSignedSeedWebhook()
    {
        var org = await TestOrg.CreateAsync(Server);
        var secret = await org.RevealSecretAsync();
        var d = await org.DeviceAsync();
        var rule = await org.CreateRuleAsync(new
        {
            name = "CO2 High Alert", rule_type = "threshold", condition = new { field = "co2", op = ">", value = 1000 },
            action = new { key = "relay", value = true }, webhook_url = Receiver.Url("/e2e"),
        });
        var ruleId = rule["id"]!.GetValue<string>();

        await using var sub = await d.ListenAsync(count: 1);
        await d.SendAsync("""{"co2":1200}""");
        await sub.WaitForDesiredAsync(d, "\"relay\":true");

        var hook = await Receiver.NextAsync("/e2e", TimeSpan.FromSeconds(30));
        Assert.True(DocsSnippets.Verify(secret, hook), $"signature {hook.Signature} does not verify with the org's secret");
        Assert.False(DocsSnippets.Verify(secret, hook with { Body = hook.Body.Replace("1000", "1001") + " " }), "a tampered body must not verify");
        var body = JsonNode.Parse(hook.Body)!.AsObject();
        Assert.Equal(["event", "rule_name", "rule_type", "device_serial", "action", "triggered_at"], body.Select(p => p.Key).ToArray());
        Assert.Equal("rule_fired", body["event"]!.GetValue<string>());
        Assert.Equal("CO2 High Alert", body["rule_name"]!.GetValue<string>());
        Assert.Equal(d.Serial, body["device_serial"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"key":"relay","value":true}"""), body["action"]));

        var log = await Eventually.ValueAsync(() => org.GetAsync($"rules/{ruleId}/deliveries"),
            l => l.AsArray().Count == 1 && l[0]!["status"]!.GetValue<string>() == "succeeded");
        Assert.Equal(hook.Id, log[0]!["id"]!.GetValue<string>());
        Assert.Equal(200, log[0]!["response_code"]!.GetValue<int>());
    }
}
