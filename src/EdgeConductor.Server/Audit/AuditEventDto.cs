using System.Text.Json;

namespace EdgeConductor.Server.Audit;

public sealed record AuditEventDto(
    long Id,
    string? OrgId,
    string Action,
    string ActorType,
    string? ActorId,
    string? TargetType,
    string? TargetId,
    JsonElement? Details,
    string? Ip,
    DateTime CreatedAt);
