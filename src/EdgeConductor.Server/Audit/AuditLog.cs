using System.Text.Json;
using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Audit;

/// <summary>Appends and reads the audit trail.</summary>
public sealed class AuditLog(Database db, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task WriteAsync(AuditEntry e, CancellationToken ct = default)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO audit_events (org_id, action, actor_type, actor_id, target_type, target_id, details, ip, created_at)
            VALUES (@OrgId, @Action, @ActorType, @ActorId, @TargetType, @TargetId, @Details, @Ip, @CreatedAt)
            """, new
        {
            e.OrgId, e.Action, e.ActorType, e.ActorId, e.TargetType, e.TargetId,
            Details = e.Details is null ? null : JsonSerializer.Serialize(e.Details, Json),
            e.Ip, CreatedAt = clock.Ms(),
        });
    }

    /// <summary>Newest first; <paramref name="beforeId"/> pages backwards through older events.</summary>
    public async Task<IReadOnlyList<AuditEventDto>> ListAsync(string orgId, string? action, long? beforeId, Paging page, CancellationToken ct,
        AuditTarget? target = null)
    {
        var sql = "SELECT * FROM audit_events WHERE org_id = @orgId";
        if (action is not null) sql += " AND action = @action";
        var targetType = target?.Type;
        var targetId = target?.Id;
        if (targetType is not null) sql += " AND target_type = @targetType";
        if (targetId is not null) sql += " AND target_id = @targetId";
        if (beforeId is not null) sql += " AND id < @beforeId";
        sql += " ORDER BY id DESC LIMIT @Limit OFFSET @Offset";
        await using var conn = await db.OpenAsync(ct);
        var rows = await conn.QueryAsync<Row>(sql, new { orgId, action, beforeId, targetType, targetId, page.Limit, page.Offset });
        return rows.Select(r => new AuditEventDto(r.Id, r.OrgId, r.Action, r.ActorType, r.ActorId, r.TargetType, r.TargetId,
            r.Details is null ? null : JsonDocument.Parse(r.Details).RootElement.Clone(), r.Ip, Times.ToUtc(r.CreatedAt))).ToList();
    }

    private sealed class Row
    {
        public long Id { get; set; }
        public string? OrgId { get; set; }
        public string Action { get; set; } = "";
        public string ActorType { get; set; } = "";
        public string? ActorId { get; set; }
        public string? TargetType { get; set; }
        public string? TargetId { get; set; }
        public string? Details { get; set; }
        public string? Ip { get; set; }
        public long CreatedAt { get; set; }
    }
}
