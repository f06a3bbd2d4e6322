namespace EdgeConductor.Server.Audit;

/// <summary>One thing that happened, for <c>GET /orgs/:id/audit</c>.</summary>
public sealed record AuditEntry(
    string? OrgId,
    string Action,
    string ActorType,
    string? ActorId,
    string? TargetType = null,
    string? TargetId = null,
    object? Details = null,
    string? Ip = null);
