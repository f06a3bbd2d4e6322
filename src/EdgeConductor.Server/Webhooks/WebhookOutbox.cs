using EdgeConductor.Server.Common;

namespace EdgeConductor.Server.Webhooks;

/// <summary>
/// <see cref="IWebhookOutbox"/> on the <c>webhook_deliveries</c> table: one INSERT and a wake-up of the worker, nothing
/// else, so the caller (the rules engine on the ingest path) never waits on a receiver. A URL or preset that fails
/// <see cref="WebhookUrl"/> is stored as a failed delivery with the reason, visible in the delivery log.
/// </summary>
public sealed class WebhookOutbox(WebhookDeliveryStore store, WebhookSignal signal, TimeProvider clock) : IWebhookOutbox
{
    /// <inheritdoc />
    public async Task<string> EnqueueAsync(WebhookMessage message, CancellationToken ct)
    {
        var id = Ids.New();
        var now = clock.Ms();
        var invalid = WebhookUrl.Validate(message.Url) ?? WebhookUrl.ValidatePreset(message.Preset, message.Url);
        await store.InsertAsync(new WebhookDeliveryRow
        {
            Id = id, MessageId = id, OrgId = message.OrgId, RuleId = message.RuleId, Url = message.Url, Preset = message.Preset,
            EventType = message.EventType, Payload = message.Payload.ToJsonString(),
            Status = invalid is null ? DeliveryStatus.Pending : DeliveryStatus.Failed,
            NextAttemptAt = invalid is null ? now : null, LastError = invalid is null ? null : "invalid URL: " + invalid,
            CreatedAt = now, UpdatedAt = now, CompletedAt = invalid is null ? null : now,
        }, ct);
        if (invalid is null) signal.Wake();
        return id;
    }

    /// <summary>A new delivery of <paramref name="original"/>'s message (same <c>webhook-id</c>), due now.</summary>
    public async Task<WebhookDeliveryRow> ReplayAsync(WebhookDeliveryRow original, CancellationToken ct)
    {
        var now = clock.Ms();
        var row = new WebhookDeliveryRow
        {
            Id = Ids.New(), MessageId = original.MessageId, OrgId = original.OrgId, RuleId = original.RuleId, Url = original.Url,
            Preset = original.Preset, EventType = original.EventType, Payload = original.Payload, Status = DeliveryStatus.Pending,
            NextAttemptAt = now, ReplayOf = original.Id, CreatedAt = now, UpdatedAt = now,
        };
        await store.ResetEndpointAsync(original.OrgId, original.Url, now, ct);
        await store.InsertAsync(row, ct);
        signal.Wake();
        return row;
    }
}
