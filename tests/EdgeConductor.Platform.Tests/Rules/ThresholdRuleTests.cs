using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Rules;

/// <summary>
/// Threshold rules in the stream: a real MQTT device (mosquitto_sub) receives the action; state, not spam; hysteresis;
/// for_seconds; scope; loop guard; audit, webhook hand-off and notification; dry run.
/// </summary>
public sealed class ThresholdRuleTests(RulesServer fixture) : IClassFixture<RulesServer>
{
    private EcServer Server => fixture.Server;

    private static async Task<JsonNode> RuleAsync(TestOrg org, string id) => await org.GetAsync($"rules/{id}");

    [Fact]
    public async Task MatchingReading_SendsTheAction_Once_WithAuditWebhookAndNotification()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await org.CreateProbeRuleAsync();
        var rule = await org.CreateRuleAsync(new
        {
            name = "CO2 High Alert", rule_type = "threshold", condition = new { field = "co2", op = ">", value = 1000 },
            action = new { key = "relay", value = true }, webhook_url = "https://hooks.example.com/ec", notify = true,
        });
        var id = rule["id"]!.GetValue<string>();

        await using var sub = await d.ListenAsync(count: 2);
        await d.SendAsync("""{"co2":1200,"temp":21}""");
        await sub.WaitForDesiredAsync(d, "\"relay\":true");

        // Still above: the state is firing, so nothing is sent again. The probe proves the 1300 reading was evaluated.
        await d.SendAsync("""{"co2":1300}""");
        await d.SendAsync("""{"probe":1}""");
        await sub.WaitForDesiredAsync(d, "\"probe_seen\":true");
        Assert.Equal(1, sub.CountDesired(d, "\"relay\""));

        var explained = await RuleAsync(org, id);
        Assert.Equal(1, explained["fire_count"]!.GetValue<long>());
        Assert.NotNull(explained["last_fired"]);
        var state = Assert.Single(explained["devices"]!.AsArray());
        Assert.Equal(d.Serial, state!["serial"]!.GetValue<string>());
        Assert.Equal("firing", state["state"]!.GetValue<string>());

        var audit = (await org.GetAsync($"orgs/{org.Id}/audit?limit=100")).AsArray();
        var fired = Assert.Single(audit, e => e!["action"]!.GetValue<string>() == "rule_fired" && e["target_id"]!.GetValue<string>() == id);
        Assert.Equal(d.Serial, fired!["details"]!["device_serial"]!.GetValue<string>());
        Assert.Contains(audit, e => e!["action"]!.GetValue<string>() == "config_pushed" && e["actor_type"]!.GetValue<string>() == "rule"
            && e["actor_id"]!.GetValue<string>() == id && e["target_id"]!.GetValue<string>() == d.Serial);

        var hook = Assert.Single(fixture.Outbox.Messages, m => m.RuleId == id);
        Assert.Equal(org.Id, hook.OrgId);
        Assert.Equal("https://hooks.example.com/ec", hook.Url);
        Assert.Equal("rule_fired", hook.EventType);
        Assert.Equal(["event", "rule_name", "rule_type", "device_serial", "action", "triggered_at"], hook.Payload.Select(p => p.Key).ToArray());
        Assert.Equal("CO2 High Alert", hook.Payload["rule_name"]!.GetValue<string>());
        Assert.Equal("threshold", hook.Payload["rule_type"]!.GetValue<string>());
        Assert.Equal(d.Serial, hook.Payload["device_serial"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"key":"relay","value":true}"""), hook.Payload["action"]));
        var at = DateTimeOffset.Parse(hook.Payload["triggered_at"]!.GetValue<string>());
        Assert.Equal(TimeSpan.Zero, at.Offset);
        Assert.EndsWith("Z", hook.Payload["triggered_at"]!.GetValue<string>());

        var notes = (await org.GetAsync($"orgs/{org.Id}/notifications")).AsArray();
        Assert.Single(notes, n => n!["kind"]!.GetValue<string>() == "rule_fired" && n["device_serial"]?.GetValue<string>() == d.Serial);
        // The desired state is stored too, exactly like PATCH /devices/:serial/shadow/desired.
        Assert.True((await org.GetAsync($"devices/{d.Serial}/shadow"))["desired"]!["relay"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Hysteresis_ClearsOnlyPastClearValue_ThenClearActionRuns_AndTheRuleCanFireAgain()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await org.CreateProbeRuleAsync();
        var id = (await org.CreateRuleAsync(new
        {
            name = "CO2", rule_type = "threshold", condition = new { field = "co2", op = ">", value = 1000, clear_value = 900 },
            action = new { key = "relay", value = true }, clear_action = new { key = "relay", value = false },
        }))["id"]!.GetValue<string>();

        await using var sub = await d.ListenAsync(count: 4);
        await d.SendAsync("""{"co2":1200}""");
        await sub.WaitForDesiredAsync(d, "\"relay\":true");

        await d.SendAsync("""{"co2":950}""");     // below the threshold but above clear_value: still firing
        await d.SendAsync("""{"probe":1}""");
        await sub.WaitForDesiredAsync(d, "\"probe_seen\":true");
        Assert.Equal(0, sub.CountDesired(d, "\"relay\":false"));
        Assert.Equal("firing", (await RuleAsync(org, id))["devices"]![0]!["state"]!.GetValue<string>());

        await d.SendAsync("""{"co2":850}""");
        await sub.WaitForDesiredAsync(d, "\"relay\":false");
        Assert.Equal("ok", (await RuleAsync(org, id))["devices"]![0]!["state"]!.GetValue<string>());

        await d.SendAsync("""{"co2":1100}""");
        await Eventually.ValueAsync(() => Task.FromResult(sub.CountDesired(d, "\"relay\":true")), n => n == 2, TimeSpan.FromSeconds(20));
        Assert.Equal(2, sub.CountDesired(d, "\"relay\":true"));
        // fire_count is written just after the action is sent (RuleActions.FireAsync): wait for it, do not race it.
        Assert.Equal(2, await Eventually.ValueAsync(async () => (await RuleAsync(org, id))["fire_count"]!.GetValue<long>(),
            n => n == 2, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task ForSeconds_WaitsUntilTheConditionHeldThatLong_AndAContraryReadingResets()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await org.CreateProbeRuleAsync();
        var id = (await org.CreateRuleAsync(new
        {
            name = "CO2 for a minute", rule_type = "threshold", condition = new { field = "co2", op = ">", value = 1000, for_seconds = 60 },
            action = new { key = "relay", value = true },
        }))["id"]!.GetValue<string>();

        await using var sub = await d.ListenAsync(count: 3);
        await d.SendAsync("""{"co2":1200}""");
        var pending = await Eventually.ValueAsync(() => RuleAsync(org, id), r => r["devices"]!.AsArray().Count == 1);
        Assert.Equal("pending", pending["devices"]![0]!["state"]!.GetValue<string>());

        // A reading back below resets to ok; 61 s later nothing fires.
        await d.SendAsync("""{"co2":900}""");
        await Eventually.ValueAsync(() => RuleAsync(org, id), r => r["devices"]![0]!["state"]!.GetValue<string>() == "ok");
        Server.Clock.Advance(TimeSpan.FromSeconds(61));
        await d.SendAsync("""{"probe":1}""");
        await sub.WaitForDesiredAsync(d, "\"probe_seen\":true");
        await Task.Delay(NothingArrives.Window); // the sweep runs every second: give it a documented window to misfire
        Assert.Equal(0, sub.CountDesired(d, "\"relay\""));

        // Held for 60 s (no reading needed at the deadline: the sweep fires it).
        await d.SendAsync("""{"co2":1250}""");
        await Eventually.ValueAsync(() => RuleAsync(org, id), r => r["devices"]![0]!["state"]!.GetValue<string>() == "pending");
        Server.Clock.Advance(TimeSpan.FromSeconds(50)); // 10 s short of the deadline (real time also passes meanwhile)
        await d.SendAsync("""{"probe":0}""");
        await sub.WaitForDesiredAsync(d, "\"probe_seen\":false");
        Assert.Equal(0, sub.CountDesired(d, "\"relay\""));
        Server.Clock.Advance(TimeSpan.FromSeconds(11));
        await sub.WaitForDesiredAsync(d, "\"relay\":true");
        Assert.Equal("firing", (await RuleAsync(org, id))["devices"]![0]!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scope_LimitsTheRuleToMatchingDevices()
    {
        var org = await TestOrg.CreateAsync(Server);
        var inside = await org.DeviceAsync();
        var outside = await org.DeviceAsync();
        await org.Http.PatchRawAsync($"devices/{inside.Serial}", """{"tags":["lab","floor2"]}""").ExpectAsync(HttpStatusCode.OK);
        var id = (await org.CreateRuleAsync(new
        {
            name = "Lab CO2", rule_type = "threshold", condition = new { field = "co2", op = ">", value = 1000 },
            action = new { key = "relay", value = true }, scope = new { tags = new[] { "lab" }, product_type = "EC-CLIMATE-V1" },
        }))["id"]!.GetValue<string>();

        await using var sub = await inside.ListenAsync(count: 1);
        await outside.SendAsync("""{"co2":5000}""");   // evaluated first (commit order), out of scope
        await inside.SendAsync("""{"co2":1200}""");
        await sub.WaitForDesiredAsync(inside, "\"relay\":true");

        var explained = await RuleAsync(org, id);
        Assert.Equal(inside.Serial, Assert.Single(explained["devices"]!.AsArray())!["serial"]!.GetValue<string>());
        Assert.Null((await org.GetAsync($"devices/{outside.Serial}/shadow"))["desired"]!["relay"]);
    }

    [Fact]
    public async Task LoopGuard_FlagsRulesThatWriteTheirOwnField_AndHoldsBackFastRefires()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var rule = await org.CreateRuleAsync(new
        {
            name = "Keep the relay on", rule_type = "threshold", condition = new { field = "relay", op = "==", value = false },
            action = new { key = "relay", value = true },
        });
        var id = rule["id"]!.GetValue<string>();
        Assert.True(rule["loop_guard"]!.GetValue<bool>());
        Assert.False((await org.CreateRuleAsync(RuleCalls.Threshold("co2", ">", 1)))["loop_guard"]!.GetValue<bool>());

        await d.SendAsync("""{"relay":false}""");   // fires
        await Eventually.ValueAsync(() => RuleAsync(org, id), r => r["fire_count"]!.GetValue<long>() == 1);
        await d.SendAsync("""{"relay":true}""");    // clears
        await d.SendAsync("""{"relay":false}""");   // would fire again within 10 s: held back
        // The held-back fire is stored (suppressed) before its last_error is written: wait for both.
        var held = await Eventually.ValueAsync(() => RuleAsync(org, id),
            r => r["devices"]![0]!["suppressed"]!.GetValue<long>() == 1 && r["last_error"] is not null);
        Assert.Equal(1, held["fire_count"]!.GetValue<long>());
        Assert.Contains("loop guard", held["last_error"]!.GetValue<string>());

        Server.Clock.Advance(TimeSpan.FromSeconds(11)); // past the documented interval: the next matching reading fires
        await d.SendAsync("""{"relay":false}""");
        var refired = await Eventually.ValueAsync(() => RuleAsync(org, id), r => r["fire_count"]!.GetValue<long>() == 2);
        Assert.Equal(2, refired["fire_count"]!.GetValue<long>());
    }

    [Fact]
    public async Task DryRun_EvaluatesLatestReadings_WithoutActing()
    {
        var org = await TestOrg.CreateAsync(Server);
        var high = await org.DeviceAsync();
        var low = await org.DeviceAsync();
        var silent = await org.DeviceAsync();
        await high.SendAsync("""{"co2":1500}""");
        await low.SendAsync("""{"co2":500}""");
        var id = (await org.CreateRuleAsync(RuleCalls.Threshold("co2", ">", 1000)))["id"]!.GetValue<string>();

        var result = await org.Http.PostJsonAsync($"rules/{id}/test", new { }, HttpStatusCode.OK);
        Assert.True(result["dry_run"]!.GetValue<bool>());
        var bySerial = result["devices"]!.AsArray().ToDictionary(x => x!["serial"]!.GetValue<string>());
        Assert.True(bySerial[high.Serial]!["matches"]!.GetValue<bool>());
        Assert.True(bySerial[high.Serial]!["would_fire"]!.GetValue<bool>());
        Assert.Equal(1500, bySerial[high.Serial]!["value"]!.GetValue<double>());
        Assert.False(bySerial[low.Serial]!["matches"]!.GetValue<bool>());
        Assert.Null(bySerial[silent.Serial]!["matches"]);

        var explained = await RuleAsync(org, id);
        Assert.Equal(0, explained["fire_count"]!.GetValue<long>());
        Assert.Null((await org.GetAsync($"devices/{high.Serial}/shadow"))["desired"]!["relay"]);
        Assert.DoesNotContain((await org.GetAsync($"orgs/{org.Id}/audit")).AsArray(), e => e!["action"]!.GetValue<string>() == "rule_fired");
    }
}
