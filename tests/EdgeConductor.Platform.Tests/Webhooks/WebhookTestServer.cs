using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Webhooks;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeConductor.Platform.Tests.Webhooks;

/// <summary>The real server with test webhook options, and helpers to enqueue and watch deliveries.</summary>
internal static class WebhookTestServer
{
    /// <summary>
    /// Options for tests: loopback receivers allowed (unless <paramref name="allowPrivate"/> is false), a 1 s attempt timeout
    /// (the 10 s default would make the timeout test slow), and a 100 ms poll so a clock moved forward is noticed quickly.
    /// </summary>
    public static WebhookOptions Options(bool allowPrivate = true) => new()
    {
        AllowPrivate = allowPrivate,
        Timeout = TimeSpan.FromSeconds(1),
        PollInterval = TimeSpan.FromMilliseconds(100),
    };

    public static EcServer Start(WebhookOptions options, string? postgres = null) => new EcServer(postgres: postgres, services: s =>
    {
        s.RemoveAll<WebhookOptions>();
        s.AddSingleton(options);
    }).Start();

    /// <summary>A seed 001 rule_fired payload.</summary>
    public static JsonObject RuleFired(string rule = "CO2 high", string serial = "EC-001") => new()
    {
        ["event"] = "rule_fired",
        ["rule_name"] = rule,
        ["rule_type"] = "threshold",
        ["device_serial"] = serial,
        ["action"] = new JsonObject { ["key"] = "relay", ["value"] = true },
        ["triggered_at"] = "2026-11-30T22:00:00.000Z",
    };

    /// <summary>Hands a delivery to the server's real outbox, as the rules engine does.</summary>
    public static Task<string> EnqueueAsync(this EcServer server, string orgId, string url, string? preset = null, JsonObject? payload = null,
        string? ruleId = null) =>
        server.Services.GetRequiredService<IWebhookOutbox>()
            .EnqueueAsync(new WebhookMessage(orgId, url, preset, "rule_fired", payload ?? RuleFired(), ruleId), CancellationToken.None);

    /// <summary>The delivery as the API shows it, once <paramref name="done"/> holds (10 s at most, then the last state).</summary>
    public static async Task<JsonNode> DeliveryAsync(this TestOrg org, string id, Func<JsonNode, bool>? done = null) =>
        await Eventually.ValueAsync(() => org.GetAsync($"webhook-deliveries/{id}"), done ?? (_ => true), TimeSpan.FromSeconds(15));

    public static bool Is(this JsonNode d, string status) => d["status"]!.GetValue<string>() == status;

    public static int Attempts(this JsonNode d) => d["attempts"]!.GetValue<int>();

    public static async Task<string> RevealSecretAsync(this TestOrg org, object? body = null)
    {
        var s = await org.Http.PostJsonAsync($"orgs/{org.Id}/webhook-secret", body ?? new { }, HttpStatusCode.Created);
        return s["secret"]!.GetValue<string>();
    }
}
