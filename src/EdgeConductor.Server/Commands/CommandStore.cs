using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Commands;

/// <summary>
/// Device commands (the seed's reboot, custom commands, later OTA) and their lifecycle, all in the database:
/// <c>queued</c> → <c>sent</c> (delivered once: over MQTT to a subscribed connection, or in the device's own poll of
/// GET /devices/:serial/commands) → <c>acknowledged</c> (the device accepted it) → <c>succeeded</c> | <c>failed</c>
/// (the device's final answer, with an optional result/error text) | <c>expired</c> (no final answer before
/// <see cref="CommandRecord.ExpiresAt"/>; derived from the injected clock when read, so it survives restarts and needs
/// no worker). Every transition is one conditional UPDATE, so two server instances never apply one twice.
/// </summary>
public sealed class CommandStore(Database db, TimeProvider clock)
{
    /// <summary>How long a command waits for its final answer unless its creator says otherwise.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>The state names of the lifecycle (the <c>state</c> member of a command).</summary>
    public static class States
    {
        public const string Queued = "queued";
        public const string Sent = "sent";
        public const string Acknowledged = "acknowledged";
        public const string Succeeded = "succeeded";
        public const string Failed = "failed";
        public const string Expired = "expired";
    }

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
        public long? AckedAt { get; set; }
        public long? CompletedAt { get; set; }
        /// <summary>NULL until the device answers; then acknowledged, succeeded or failed.</summary>
        public string? Status { get; set; }
        public string? Result { get; set; }

        /// <summary>The lifecycle state at <paramref name="now"/> (Unix ms).</summary>
        public string StateAt(long now) =>
            Status is States.Succeeded or States.Failed ? Status
            : ExpiresAt <= now ? States.Expired
            : Status == States.Acknowledged ? States.Acknowledged
            : DeliveredAt is not null ? States.Sent
            : States.Queued;
    }

    /// <summary>Now, Unix ms, from the injected clock.</summary>
    public long Now => clock.Ms();

    public Task<CommandRecord> CreateAsync(string deviceId, string cmd, string payloadJson, CancellationToken ct) =>
        CreateAsync(deviceId, cmd, payloadJson, Lifetime, ct);

    /// <summary>Queues a command that expires <paramref name="lifetime"/> from now.</summary>
    public async Task<CommandRecord> CreateAsync(string deviceId, string cmd, string payloadJson, TimeSpan lifetime, CancellationToken ct)
    {
        var now = clock.Ms();
        var rec = new CommandRecord
        {
            Id = Ids.New(), DeviceId = deviceId, Cmd = cmd, Payload = payloadJson, CreatedAt = now, ExpiresAt = now + (long)lifetime.TotalMilliseconds,
        };
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO device_commands (id, device_id, cmd, payload, created_at, expires_at)
            VALUES (@Id, @DeviceId, @Cmd, @Payload, @CreatedAt, @ExpiresAt)
            """, rec);
        return rec;
    }

    /// <summary>Commands not delivered yet and not expired, oldest first.</summary>
    public async Task<IReadOnlyList<CommandRecord>> PendingAsync(string deviceId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<CommandRecord>(
            "SELECT * FROM device_commands WHERE device_id = @deviceId AND delivered_at IS NULL AND status IS NULL AND expires_at > @now ORDER BY created_at",
            new { deviceId, now = clock.Ms() })).AsList();
    }

    /// <summary>One command of a device, or null.</summary>
    public async Task<CommandRecord?> GetAsync(string deviceId, string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<CommandRecord>(
            "SELECT * FROM device_commands WHERE id = @id AND device_id = @deviceId", new { id, deviceId });
    }

    /// <summary>A device's newest <paramref name="limit"/> commands, newest first.</summary>
    public async Task<IReadOnlyList<CommandRecord>> RecentAsync(string deviceId, int limit, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<CommandRecord>(
            "SELECT * FROM device_commands WHERE device_id = @deviceId ORDER BY created_at DESC, id DESC LIMIT @limit",
            new { deviceId, limit })).AsList();
    }

    /// <summary>Undoes <see cref="MarkDeliveredAsync"/> when the send found no listener (unless the device answered meanwhile).</summary>
    public async Task ReleaseAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("UPDATE device_commands SET delivered_at = NULL, delivered_via = NULL WHERE id = @id AND status IS NULL", new { id });
    }

    /// <summary>Marks delivered; returns false if someone else delivered it first.</summary>
    public async Task<bool> MarkDeliveredAsync(string id, string via, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("UPDATE device_commands SET delivered_at = @now, delivered_via = @via WHERE id = @id AND delivered_at IS NULL",
            new { now = clock.Ms(), via, id }) > 0;
    }

    /// <summary>What an acknowledgement did.</summary>
    public enum AckOutcome { Applied, NotFound, Expired, AlreadyFinal }

    /// <summary>
    /// Records a device's answer: <paramref name="status"/> is <see cref="States.Acknowledged"/>, <see cref="States.Succeeded"/>
    /// or <see cref="States.Failed"/>. A final answer ends the command; repeating the same answer is accepted again
    /// (an idempotent re-send) and changes nothing; an answer after the command expired, or a different answer after a
    /// final one, is refused. An answer also counts as delivery (via <paramref name="via"/>) if the command was not
    /// marked delivered yet.
    /// </summary>
    public async Task<(AckOutcome Outcome, CommandRecord? Command)> AckAsync(string deviceId, string id, string status, string? result, string via, CancellationToken ct)
    {
        var now = clock.Ms();
        await using var conn = await db.OpenAsync(ct);
        var final = status is States.Succeeded or States.Failed;
        var sql = final
            ? """
              UPDATE device_commands SET status = @status, result = @result, completed_at = @now, acked_at = COALESCE(acked_at, @now),
                  delivered_at = COALESCE(delivered_at, @now), delivered_via = COALESCE(delivered_via, @via)
              WHERE id = @id AND device_id = @deviceId AND (status IS NULL OR status = 'acknowledged') AND expires_at > @now
              """
            : """
              UPDATE device_commands SET status = 'acknowledged', result = COALESCE(@result, result), acked_at = @now,
                  delivered_at = COALESCE(delivered_at, @now), delivered_via = COALESCE(delivered_via, @via)
              WHERE id = @id AND device_id = @deviceId AND status IS NULL AND expires_at > @now
              """;
        var changed = await conn.ExecuteAsync(sql, new { status, result, now, via, id, deviceId });
        var current = await conn.QuerySingleOrDefaultAsync<CommandRecord>(
            "SELECT * FROM device_commands WHERE id = @id AND device_id = @deviceId", new { id, deviceId });
        if (current is null) return (AckOutcome.NotFound, null);
        if (changed > 0) return (AckOutcome.Applied, current);
        var state = current.StateAt(now);
        if (state == status) return (AckOutcome.Applied, current); // the same answer again
        if (status == States.Acknowledged && state is States.Succeeded or States.Failed) return (AckOutcome.Applied, current); // a late "accepted" after the result
        return state == States.Expired ? (AckOutcome.Expired, current) : (AckOutcome.AlreadyFinal, current);
    }
}
