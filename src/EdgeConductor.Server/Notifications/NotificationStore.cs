using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Notifications;

/// <summary>In-app notifications per org (the dashboard's bell): device offline/online, later anomalies and firmware.</summary>
public sealed class NotificationStore(Database db, TimeProvider clock)
{
    public sealed record NotificationDto(string Id, string OrgId, string Kind, string Severity, string Title, string? Body,
        string? DeviceSerial, DateTime CreatedAt, DateTime? ReadAt);

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string OrgId { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Severity { get; set; } = "";
        public string Title { get; set; } = "";
        public string? Body { get; set; }
        public string? DeviceSerial { get; set; }
        public long CreatedAt { get; set; }
        public long? ReadAt { get; set; }
        public NotificationDto ToDto() => new(Id, OrgId, Kind, Severity, Title, Body, DeviceSerial, Times.ToUtc(CreatedAt), Times.ToUtc(ReadAt));
    }

    public async Task CreateAsync(string orgId, string kind, string severity, string title, string? body, string? deviceSerial, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO notifications (id, org_id, kind, severity, title, body, device_serial, created_at)
            VALUES (@id, @orgId, @kind, @severity, @title, @body, @deviceSerial, @now)
            """, new { id = Ids.New(), orgId, kind, severity, title, body, deviceSerial, now = clock.Ms() });
    }

    public async Task<IReadOnlyList<NotificationDto>> ListAsync(string orgId, bool unreadOnly, Paging page, CancellationToken ct)
    {
        var sql = "SELECT * FROM notifications WHERE org_id = @orgId" + (unreadOnly ? " AND read_at IS NULL" : "") +
                  " ORDER BY created_at DESC, id DESC LIMIT @Limit OFFSET @Offset";
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<Row>(sql, new { orgId, page.Limit, page.Offset })).Select(r => r.ToDto()).ToList();
    }

    public async Task<NotificationDto?> FindAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<Row>("SELECT * FROM notifications WHERE id = @id", new { id }))?.ToDto();
    }

    public async Task MarkReadAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("UPDATE notifications SET read_at = @now WHERE id = @id AND read_at IS NULL", new { now = clock.Ms(), id });
    }

    public async Task<int> MarkAllReadAsync(string orgId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("UPDATE notifications SET read_at = @now WHERE org_id = @orgId AND read_at IS NULL", new { now = clock.Ms(), orgId });
    }
}
