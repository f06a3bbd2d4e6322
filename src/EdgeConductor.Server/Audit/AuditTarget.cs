namespace EdgeConductor.Server.Audit;

/// <summary>The object an audit listing is narrowed to (<c>target_type</c>, <c>target_id</c>); a null member does not filter.</summary>
public sealed record AuditTarget(string? Type, string? Id);
