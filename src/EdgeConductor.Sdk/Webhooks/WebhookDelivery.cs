using System.Text.Json;

namespace EdgeConductor.Sdk.Webhooks;

/// <summary>One webhook delivery in the log (docs/webhooks.md).</summary>
/// <param name="Id">The delivery's id.</param>
/// <param name="WebhookId">The <c>webhook-id</c> header the receiver saw (the same for retries and replays of one message).</param>
/// <param name="OrgId">The org it belongs to.</param>
/// <param name="RuleId">The rule that caused it, if any.</param>
/// <param name="Url">The target URL (a Telegram bot token masked).</param>
/// <param name="Preset">null (raw payload), <c>slack</c> or <c>telegram</c>.</param>
/// <param name="EventType">The payload's event, e.g. <c>rule_fired</c>.</param>
/// <param name="Payload">The seed 001 payload.</param>
/// <param name="Status">pending, succeeded or failed.</param>
/// <param name="Attempts">Attempts made so far.</param>
/// <param name="ResponseCode">HTTP status of the last attempt, if it got one.</param>
/// <param name="LatencyMs">Milliseconds from request to response headers of the last attempt.</param>
/// <param name="LastError">Why the last attempt failed (or why none was made).</param>
/// <param name="NextAttemptAt">When the next attempt is due, while pending.</param>
/// <param name="ReplayOf">The delivery this one replays, if any.</param>
/// <param name="CreatedAt">When it was enqueued.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="CompletedAt">When it succeeded or failed for good.</param>
public sealed record WebhookDelivery(string Id, string WebhookId, string OrgId, string? RuleId, string Url, string? Preset, string EventType,
    JsonElement Payload, string Status, int Attempts, int? ResponseCode, long? LatencyMs, string? LastError, DateTimeOffset? NextAttemptAt,
    string? ReplayOf, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt);

/// <summary>The org's webhook signing secret, shown once by <see cref="WebhooksClient.CreateOrRotateSecretAsync"/>.</summary>
/// <param name="Secret">The secret, <c>whsec_…</c>: keep it, it is not shown again.</param>
/// <param name="Rotated">True when a previous secret was replaced (it keeps signing until <paramref name="PreviousExpiresAt"/>).</param>
/// <param name="Fingerprint">First 8 hex digits of SHA-256 of the secret.</param>
/// <param name="CreatedAt">When this secret was made.</param>
/// <param name="PreviousExpiresAt">End of the rotation grace period, if any.</param>
public sealed record WebhookSecret(string Secret, bool Rotated, string Fingerprint, DateTimeOffset CreatedAt, DateTimeOffset? PreviousExpiresAt);

/// <summary>The secret's metadata (never the secret).</summary>
/// <param name="Configured">Whether the org has a secret yet.</param>
/// <param name="Fingerprint">First 8 hex digits of SHA-256 of the secret.</param>
/// <param name="CreatedAt">When the current secret was made.</param>
/// <param name="Revealed">Whether it was ever shown.</param>
/// <param name="PreviousExpiresAt">End of the rotation grace period, if one is running.</param>
public sealed record WebhookSecretInfo(bool Configured, string? Fingerprint, DateTimeOffset? CreatedAt, bool Revealed, DateTimeOffset? PreviousExpiresAt);
