using System.Text.Json.Nodes;
using EdgeConductor.Server.Common;

namespace EdgeConductor.Server.Webhooks;

/// <summary>The delivery states: <c>pending</c> (waiting for its next attempt), <c>succeeded</c> (a 2xx), <c>failed</c> (gave up).</summary>
public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>Every status, for validating the <c>status</c> filter.</summary>
    public static readonly string[] All = [Pending, Succeeded, Failed];
}

/// <summary>One stored delivery (a row of <c>webhook_deliveries</c>). Times are Unix ms.</summary>
public sealed class WebhookDeliveryRow
{
    public string Id { get; set; } = "";
    public string MessageId { get; set; } = "";
    public string OrgId { get; set; } = "";
    public string? RuleId { get; set; }
    public string Url { get; set; } = "";
    public string? Preset { get; set; }
    public string EventType { get; set; } = "";
    public string Payload { get; set; } = "{}";
    public string Status { get; set; } = DeliveryStatus.Pending;
    public long Attempts { get; set; }
    public long? NextAttemptAt { get; set; }
    public string? ClaimToken { get; set; }
    public long? ClaimedUntil { get; set; }
    public long? ResponseCode { get; set; }
    public long? LatencyMs { get; set; }
    public string? LastError { get; set; }
    public string? ReplayOf { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? CompletedAt { get; set; }

    /// <summary>The API form (the URL with a Telegram bot token masked).</summary>
    public WebhookDeliveryDto ToDto() => new(Id, MessageId, OrgId, RuleId, WebhookUrl.Redact(Url), Preset, EventType,
        JsonNode.Parse(Payload) as JsonObject ?? [], Status, (int)Attempts, (int?)ResponseCode, LatencyMs, LastError,
        Status == DeliveryStatus.Pending ? Times.ToUtc(NextAttemptAt) : null, ReplayOf, Times.ToUtc(CreatedAt), Times.ToUtc(UpdatedAt),
        Times.ToUtc(CompletedAt));
}

/// <summary>
/// A webhook delivery in the log (<c>GET /orgs/:id/webhook-deliveries</c>, <c>GET /rules/:id/deliveries</c>).
/// <see cref="WebhookId"/> is the <c>webhook-id</c> header the receiver saw (the same for retries and replays of one
/// message); <see cref="ResponseCode"/> and <see cref="LatencyMs"/> (milliseconds) are of the last attempt;
/// <see cref="NextAttemptAt"/> is set while pending.
/// </summary>
public sealed record WebhookDeliveryDto(string Id, string WebhookId, string OrgId, string? RuleId, string Url, string? Preset,
    string EventType, JsonObject Payload, string Status, int Attempts, int? ResponseCode, long? LatencyMs, string? LastError,
    DateTime? NextAttemptAt, string? ReplayOf, DateTime CreatedAt, DateTime UpdatedAt, DateTime? CompletedAt);
