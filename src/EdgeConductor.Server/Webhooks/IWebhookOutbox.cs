using System.Text.Json.Nodes;

namespace EdgeConductor.Server.Webhooks;

/// <summary>
/// A webhook to deliver: POSTed as JSON to <see cref="Url"/> on behalf of <see cref="OrgId"/> (signed with the org's
/// webhook secret). <see cref="EventType"/> is the payload's <c>event</c> (e.g. <c>rule_fired</c>); <see cref="Payload"/>
/// is the seed 001 body; <see cref="Preset"/> (null = raw payload, or <c>slack</c> / <c>telegram</c>) renders it for a
/// chat service instead; <see cref="RuleId"/> links the delivery to the rule that caused it (delivery log per rule).
/// </summary>
public sealed record WebhookMessage(string OrgId, string Url, string? Preset, string EventType, JsonObject Payload, string? RuleId);

/// <summary>
/// The durable webhook outbox: features hand a message over and never wait for the receiver. When
/// <see cref="EnqueueAsync"/> returns, the delivery is stored and a background worker delivers it (signed, with retries).
/// </summary>
public interface IWebhookOutbox
{
    /// <summary>Stores the delivery; returns its id (the Standard Webhooks <c>webhook-id</c>).</summary>
    Task<string> EnqueueAsync(WebhookMessage message, CancellationToken ct);
}
