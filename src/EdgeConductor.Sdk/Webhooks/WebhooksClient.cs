using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Webhooks;

/// <summary>Webhook signing secret and delivery log: <c>client.Webhooks</c> (docs/webhooks.md).</summary>
public sealed class WebhooksClient
{
    private readonly ApiTransport _api;

    internal WebhooksClient(ApiTransport api) => _api = api;

    private sealed record RotateBody(long? GraceSeconds);

    /// <summary>The org's deliveries, newest first; <paramref name="status"/> (pending, succeeded, failed) filters.</summary>
    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string orgId, string? status = null, int? limit = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<IReadOnlyList<WebhookDelivery>>(HttpMethod.Get, ApiTransport.WithQuery($"orgs/{ApiTransport.Segment(orgId)}/webhook-deliveries",
            ("status", status), ("limit", limit)), null, true, cancellationToken);

    /// <summary>A rule's deliveries, newest first.</summary>
    public Task<IReadOnlyList<WebhookDelivery>> RuleDeliveriesAsync(string ruleId, int? limit = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<IReadOnlyList<WebhookDelivery>>(HttpMethod.Get, ApiTransport.WithQuery($"rules/{ApiTransport.Segment(ruleId)}/deliveries",
            ("limit", limit)), null, true, cancellationToken);

    /// <summary>One delivery.</summary>
    public Task<WebhookDelivery> GetDeliveryAsync(string deliveryId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<WebhookDelivery>(HttpMethod.Get, $"webhook-deliveries/{ApiTransport.Segment(deliveryId)}", null, true, cancellationToken);

    /// <summary>Sends the delivery's message again (same webhook-id) as a new delivery, due now; re-enables a URL disabled by 410.</summary>
    public Task<WebhookDelivery> ReplayAsync(string deliveryId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<WebhookDelivery>(HttpMethod.Post, $"webhook-deliveries/{ApiTransport.Segment(deliveryId)}/replay", null, false, cancellationToken);

    /// <summary>
    /// Shows the org's secret once: creates it (or shows the one made on first need), else rotates it, the previous one
    /// signing for <paramref name="graceSeconds"/> more (server default 24 h).
    /// </summary>
    public Task<WebhookSecret> CreateOrRotateSecretAsync(string orgId, long? graceSeconds = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<WebhookSecret>(HttpMethod.Post, $"orgs/{ApiTransport.Segment(orgId)}/webhook-secret", new RotateBody(graceSeconds), false, cancellationToken);

    /// <summary>The secret's metadata (never the secret).</summary>
    public Task<WebhookSecretInfo> GetSecretInfoAsync(string orgId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<WebhookSecretInfo>(HttpMethod.Get, $"orgs/{ApiTransport.Segment(orgId)}/webhook-secret", null, true, cancellationToken);
}
