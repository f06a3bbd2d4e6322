using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Webhooks;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Platform.Tests.Rules;

/// <summary>
/// Stands in for the webhook engineer's durable outbox (its implementation lands at merge): records what the rules engine
/// hands over, so tests can check the seed 001 payload exactly. Delivery itself is the outbox's business.
/// </summary>
internal sealed class RecordingOutbox : IWebhookOutbox
{
    public ConcurrentQueue<WebhookMessage> Messages { get; } = new();

    public Task<string> EnqueueAsync(WebhookMessage message, CancellationToken ct)
    {
        Messages.Enqueue(message);
        return Task.FromResult(Guid.NewGuid().ToString());
    }
}

/// <summary>One real server (SQLite, real MQTT listener) shared by a test class; every test uses an org of its own.</summary>
public sealed class RulesServer : IAsyncLifetime
{
    internal RecordingOutbox Outbox { get; } = new();
    internal EcServer Server { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Server = new EcServer(services: s => s.AddSingleton<IWebhookOutbox>(Outbox)).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

internal static class RuleCalls
{
    public static Task<JsonNode> CreateRuleAsync(this TestOrg org, object body, HttpStatusCode status = HttpStatusCode.Created) =>
        org.Http.PostJsonAsync($"orgs/{org.Id}/rules", body, status);

    public static object Threshold(string field, string op, object value, object? action = null, string name = "CO2 High Alert") =>
        new { name, rule_type = "threshold", condition = new { field, op, value }, action = action ?? new { key = "relay", value = true } };

    public static Task<JsonNode> PatchRuleAsync(this TestOrg org, string id, string body, HttpStatusCode status = HttpStatusCode.OK) =>
        org.Http.PatchRawAsync($"rules/{id}", body).ExpectAsync(status);
}

/// <summary>A device that listens on devices/{serial}/shadow/desired with mosquitto_sub, and sends telemetry over HTTPS.</summary>
internal static class RuleDevice
{
    public static async Task SendAsync(this TestDevice d, string json)
    {
        using var http = d.Org.Server.Http();
        using var r = await http.PostRawAsync($"devices/{d.Serial}/telemetry", json, d.Secret);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    /// <summary>mosquitto_sub as the device on its desired topic, SUBACK awaited.</summary>
    public static async Task<RunningTool> ListenAsync(this TestDevice d, int count, int timeoutSeconds = 30)
    {
        var sub = Mosquitto.Subscribe(Mosquitto.As(d), [d.Topic("shadow/desired")], count, timeoutSeconds);
        await sub.WaitForSubAckAsync();
        return sub;
    }

    /// <summary>Waits for a desired message whose JSON contains <paramref name="fragment"/> (e.g. <c>"relay":true</c>).</summary>
    public static Task<string> WaitForDesiredAsync(this RunningTool sub, TestDevice d, string fragment) =>
        sub.WaitForLineAsync(l => l.StartsWith(d.Topic("shadow/desired") + " ", StringComparison.Ordinal) && l.Contains(fragment, StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), $"desired {fragment}");

    public static int CountDesired(this RunningTool sub, TestDevice d, string fragment) =>
        sub.Lines.Count(l => l.StartsWith(d.Topic("shadow/desired") + " ", StringComparison.Ordinal) && l.Contains(fragment, StringComparison.Ordinal));

    /// <summary>
    /// A control rule (<c>probe &gt; 0 → probe_seen = n</c>): readings are evaluated in commit order by one loop, so once the
    /// device receives probe_seen = n, every reading sent before the probe has been evaluated.
    /// </summary>
    public static Task<JsonNode> CreateProbeRuleAsync(this TestOrg org) =>
        org.CreateRuleAsync(new { name = "probe", rule_type = "threshold", condition = new { field = "probe", op = ">", value = 0 },
            action = new { key = "probe_seen", value = true }, clear_action = new { key = "probe_seen", value = false } });
}

internal static class RuleClock
{
    /// <summary>Moves the server clock (real time plus an offset) so that it reads <paramref name="iso"/> now.</summary>
    public static void Set(this OffsetTimeProvider clock, string iso) =>
        clock.Advance(DateTimeOffset.Parse(iso, null, System.Globalization.DateTimeStyles.AssumeUniversal) - clock.GetUtcNow());

    public static async Task<JsonNode> SetTimezoneAsync(this TestOrg org, string tz) =>
        await org.Http.PatchRawAsync($"orgs/{org.Id}", $$"""{"timezone":"{{tz}}"}""").ExpectAsync(HttpStatusCode.OK);

    public static Task<JsonNode> DailyAsync(this TestOrg org, string time, bool relay = false) =>
        org.CreateRuleAsync(new { name = "Night shutoff", rule_type = "schedule", condition = new { time, days = new[] { "mon", "tue", "wed", "thu", "fri", "sat", "sun" } },
            action = new { key = "relay", value = relay } });

    /// <summary>The rule's scheduled instants (GET /rules/:id "fires"), once <paramref name="done"/> holds for them.</summary>
    public static async Task<JsonArray> FiresAsync(this TestOrg org, string ruleId, Func<JsonArray, bool> done, TimeSpan? timeout = null)
    {
        var rule = await Eventually.ValueAsync(() => org.GetAsync($"rules/{ruleId}"), r => done(r["fires"]!.AsArray()), timeout ?? TimeSpan.FromSeconds(20));
        return rule["fires"]!.AsArray();
    }

    public static string Instant(this JsonNode fire) =>
        fire["instant"]!.GetValue<DateTime>().ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
