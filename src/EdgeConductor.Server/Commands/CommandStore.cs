using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Commands;

/// <summary>
/// One-shot device commands (reboot). A command is pending until it is delivered once — over MQTT to a
/// subscribed connection, or in a device's own poll of GET /devices/:serial/commands — or until it expires.
/// </summary>
public sealed class CommandStore(Database db, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public sealed class CommandRecord
    {
        public string Id { get; set; } = "";
        public string DeviceId { get; set; } = "";
        public string Cmd { get; set; } = "";
        public string Payload { get; set; } = "{}";
        public long CreatedAt { get; set; }
        public long ExpiresAt { get; set; }
        public long? DeliveredAt { get; set; }
        public string? DeliveredVia { get; set; }
    }

    public async Task<CommandRecord> CreateAsync(string deviceId, string cmd, string payloadJson, CancellationToken ct)
    {
        var now = clock.Ms();
        var rec = new CommandRecord
        {
            Id = Ids.New(), DeviceId = deviceId, Cmd = cmd, Payload = payloadJson, CreatedAt = now, ExpiresAt = now + (long)Lifetime.TotalMilliseconds,
        };
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO device_commands (id, device_id, cmd, payload, created_at, expires_at)
            VALUES (@Id, @DeviceId, @Cmd, @Payload, @CreatedAt, @ExpiresAt)
            """, rec);
        return rec;
    }

    public async Task<IReadOnlyList<CommandRecord>> PendingAsync(string deviceId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<CommandRecord>(
            "SELECT * FROM device_commands WHERE device_id = @deviceId AND delivered_at IS NULL AND expires_at > @now ORDER BY created_at",
            new { deviceId, now = clock.Ms() })).AsList();
    }

    /// <summary>Undoes <see cref="MarkDeliveredAsync"/> when the send found no listener.</summary>
    public async Task ReleaseAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("UPDATE device_commands SET delivered_at = NULL, delivered_via = NULL WHERE id = @id", new { id });
    }

    /// <summary>Marks delivered; returns false if someone else delivered it first.</summary>
    public async Task<bool> MarkDeliveredAsync(string id, string via, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("UPDATE device_commands SET delivered_at = @now, delivered_via = @via WHERE id = @id AND delivered_at IS NULL",
            new { now = clock.Ms(), via, id }) > 0;
    }
}
