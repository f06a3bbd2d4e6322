using System.Data.Common;
using System.Text.Json;
using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Notifications;

/// <summary>
/// In-app notifications per org (the dashboard's bell, seed 001 "Notification bell") and each reader's read state.
/// A reader is a bell: <see cref="BellReader"/> (one per user; all API keys of an org share the org's bell). Read state
/// lives in <c>notification_reads</c>, so two admins of one org each have their own unread list.
/// </summary>
public sealed class NotificationStore(Database db, TimeProvider clock)
{
    /// <summary>A notification as the API returns it. <see cref="ReadAt"/> is the reader's own read time (null while unread);
    /// <see cref="Data"/> the kind's details (anomaly: anomaly_id, field, value, baseline, deviation_pct, severity, detector).</summary>
    public sealed record NotificationDto(string Id, string OrgId, string Kind, string Severity, string Title, string? Body,
        string? DeviceSerial, DateTime CreatedAt, DateTime? ReadAt, JsonElement? Data = null);

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
        public long? ReaderReadAt { get; set; }
        public string? Data { get; set; }

        public NotificationDto ToDto() => new(Id, OrgId, Kind, Severity, Title, Body, DeviceSerial, Times.ToUtc(CreatedAt),
            Times.ToUtc(ReaderReadAt), ParseData(Data));
    }

    private static JsonElement? ParseData(string? json)
    {
        if (json is null) return null;
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private const string Columns = "n.id, n.org_id, n.kind, n.severity, n.title, n.body, n.device_serial, n.created_at, n.data";

    /// <summary>Stores a notification with no details; returns it (unread).</summary>
    public Task<NotificationDto> CreateAsync(string orgId, string kind, string severity, string title, string? body, string? deviceSerial,
        CancellationToken ct) => CreateAsync(new NotificationEvent(orgId, kind, severity, title, body, deviceSerial), ct);

    /// <summary>Stores <paramref name="e"/> (its <see cref="NotificationEvent.Data"/> as JSON); returns the stored notification.</summary>
    public async Task<NotificationDto> CreateAsync(NotificationEvent e, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await CreateAsync(conn, null, e, ct);
    }

    /// <summary>Stores <paramref name="e"/> on an open connection (inside the caller's transaction).</summary>
    internal async Task<NotificationDto> CreateAsync(DbConnection conn, DbTransaction? tx, NotificationEvent e, CancellationToken ct)
    {
        var id = Ids.New();
        var now = clock.Ms();
        var data = e.Data is null ? null : JsonSerializer.Serialize(e.Data);
        await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO notifications (id, org_id, kind, severity, title, body, device_serial, created_at, data)
            VALUES (@id, @OrgId, @Kind, @Severity, @Title, @Body, @DeviceSerial, @now, @data)
            """, new { id, e.OrgId, e.Kind, e.Severity, e.Title, e.Body, e.DeviceSerial, now, data }, tx, cancellationToken: ct));
        return new NotificationDto(id, e.OrgId, e.Kind, e.Severity, e.Title, e.Body, e.DeviceSerial, Times.ToUtc(now), null,
            ParseData(data));
    }

    /// <summary>The org's notifications newest first, with <paramref name="reader"/>'s read state.</summary>
    public async Task<IReadOnlyList<NotificationDto>> ListAsync(string orgId, string reader, bool unreadOnly, Paging page, CancellationToken ct)
    {
        var sql = $"""
            SELECT {Columns}, r.read_at AS reader_read_at FROM notifications n
            LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.reader = @reader
            WHERE n.org_id = @orgId {(unreadOnly ? "AND r.read_at IS NULL" : "")}
            ORDER BY n.created_at DESC, n.id DESC LIMIT @Limit OFFSET @Offset
            """;
        await using var conn = await db.OpenAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(sql, new { orgId, reader, page.Limit, page.Offset }, cancellationToken: ct));
        return rows.Select(r => r.ToDto()).ToList();
    }

    /// <summary>The org's notifications newest first as the org's own bell (its API keys) sees them.</summary>
    public Task<IReadOnlyList<NotificationDto>> ListAsync(string orgId, bool unreadOnly, Paging page, CancellationToken ct) =>
        ListAsync(orgId, BellReader.ForOrg(orgId), unreadOnly, page, ct);

    /// <summary>How many of the org's notifications <paramref name="reader"/> has not read.</summary>
    public async Task<int> UnreadCountAsync(string orgId, string reader, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteScalarAsync<int>(new CommandDefinition("""
            SELECT COUNT(*) FROM notifications n WHERE n.org_id = @orgId
            AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.reader = @reader)
            """, new { orgId, reader }, cancellationToken: ct));
    }

    /// <summary>One notification with <paramref name="reader"/>'s read state, or null.</summary>
    public async Task<NotificationDto?> FindAsync(string id, string reader, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"""
            SELECT {Columns}, r.read_at AS reader_read_at FROM notifications n
            LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.reader = @reader
            WHERE n.id = @id
            """, new { id, reader }, cancellationToken: ct)))?.ToDto();
    }

    /// <summary>Marks one notification read for <paramref name="reader"/> (idempotent: the first read time stays).</summary>
    public async Task MarkReadAsync(string id, string reader, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO notification_reads (notification_id, reader, read_at) VALUES (@id, @reader, @now)
            ON CONFLICT (notification_id, reader) DO NOTHING
            """, new { id, reader, now = clock.Ms() }, cancellationToken: ct));
    }

    /// <summary>Marks every notification of the org read for <paramref name="reader"/>; returns how many were unread.</summary>
    public async Task<int> MarkAllReadAsync(string orgId, string reader, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO notification_reads (notification_id, reader, read_at)
            SELECT n.id, @reader, @now FROM notifications n WHERE n.org_id = @orgId
            AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.reader = @reader)
            ON CONFLICT (notification_id, reader) DO NOTHING
            """, new { orgId, reader, now = clock.Ms() }, cancellationToken: ct));
    }
}
