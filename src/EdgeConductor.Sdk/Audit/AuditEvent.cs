using System.Text.Json;

namespace EdgeConductor.Sdk.Audit;

/// <summary>One entry of an org's audit log.</summary>
/// <param name="Id">Increasing id; pass it as <see cref="AuditListOptions.BeforeId"/> to page back.</param>
/// <param name="OrgId">The org the event belongs to.</param>
/// <param name="Action">What happened, e.g. <c>device.registered</c>.</param>
/// <param name="ActorType">user, api_key, device or system.</param>
/// <param name="ActorId">Who did it.</param>
/// <param name="TargetType">The kind of object acted on.</param>
/// <param name="TargetId">The object acted on.</param>
/// <param name="Details">Action-specific details.</param>
/// <param name="Ip">The caller's address, when known.</param>
/// <param name="CreatedAt">When it happened.</param>
public sealed record AuditEvent(
    long Id, string? OrgId, string Action, string ActorType, string? ActorId, string? TargetType, string? TargetId,
    JsonElement? Details, string? Ip, DateTimeOffset CreatedAt);
