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
