using System.Data.Common;
using Dapper;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Shadow;

/// <summary>
/// Owns a device's state columns (shadow documents, version, last_seen, offline_alerted_at). Reads and
/// read-modify-writes happen in one transaction with the row locked, so concurrent updates never lose a key.
/// </summary>
public sealed class ShadowStore(Database db, TimeProvider clock)
{
    /// <summary>
    /// What a desired patch did: <see cref="PreconditionFailed"/> = the If-Match version is stale (HTTP 412),
    /// <see cref="VersionConflict"/> = the body's version is stale (HTTP 409, the AWS convention), <see cref="TooLarge"/> =
    /// the merged document would exceed <see cref="ShadowLimits.MaxDocumentBytes"/>. Only <see cref="Updated"/> changed anything.
    /// </summary>
    public enum PatchOutcome { Updated, VersionConflict, NotFound, PreconditionFailed, TooLarge }

    /// <summary>What one device's batch of reported messages did; <see cref="Device"/> carries the device's current org.</summary>
    public sealed record ReportedResult(DeviceRef Device, ShadowState State, bool Changed, bool WasOfflineAlerted);

    public async Task<ShadowState?> GetAsync(string deviceId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(SelectSql, new { id = deviceId });
        return row?.ToState();
    }

    /// <summary>Merges a desired-state patch. <paramref name="expectedVersion"/> gives optimistic locking.</summary>
    public Task<(PatchOutcome Outcome, ShadowState? State)> PatchDesiredAsync(string deviceId, System.Text.Json.Nodes.JsonObject patch,
        long? expectedVersion, CancellationToken ct) => PatchDesiredAsync(deviceId, patch, expectedVersion, null, ct);

    /// <summary>
    /// Merges a desired-state patch (recursively, see <see cref="ShadowState.MergeDesired"/>). Optimistic locking:
    /// <paramref name="ifMatchVersion"/> (an If-Match header) is checked first, then <paramref name="expectedVersion"/>
    /// (the body's version); a stale one changes nothing.
    /// </summary>
    public async Task<(PatchOutcome Outcome, ShadowState? State)> PatchDesiredAsync(string deviceId, System.Text.Json.Nodes.JsonObject patch,
        long? expectedVersion, long? ifMatchVersion, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(SelectSql + db.ForUpdate(), new { id = deviceId }, tx);
        if (row is null) return (PatchOutcome.NotFound, null);
        var state = row.ToState();
        if (ifMatchVersion is { } m && m != state.Version) return (PatchOutcome.PreconditionFailed, state);
        if (expectedVersion is { } v && v != state.Version) return (PatchOutcome.VersionConflict, state);
        if (state.MergeDesired(patch, clock.GetUtcNow().ToUnixTimeMilliseconds()))
        {
            if (ShadowState.SizeOf(state.Desired) > ShadowLimits.MaxDocumentBytes) return (PatchOutcome.TooLarge, state);
            state.Version++;
            await conn.ExecuteAsync("UPDATE devices SET shadow_desired = @d, shadow_metadata = @m, shadow_version = @v WHERE id = @id",
                new { d = state.Desired.ToJsonString(), m = state.Metadata.ToJsonString(), v = state.Version, id = deviceId }, tx);
        }
        await tx.CommitAsync(ct);
        return (PatchOutcome.Updated, state);
    }

    /// <summary>
    /// Inside the telemetry writer's transaction: merges each device's reported values, bumps last_seen to the newest
    /// receive time and clears offline_alerted_at (the caller records the device's return).
    /// </summary>
    public async Task<IReadOnlyList<ReportedResult>> ApplyReportedAsync(DbConnection conn, DbTransaction tx,
        IEnumerable<IGrouping<DeviceRef, (IReadOnlyList<KeyValuePair<string, System.Text.Json.Nodes.JsonNode?>> Readings, long Ts, long ReceivedAt)>> byDevice)
    {
        var groups = byDevice.ToList();
        var results = new List<ReportedResult>(groups.Count);
        // One read for the whole batch (rows locked on PostgreSQL; SQLite's write transaction already excludes writers).
        var p = new DynamicParameters();
        var where = Database.InList("id", "dev", groups.Select(g => g.Key.Id).Distinct(), p);
        var rows = (await conn.QueryAsync<Row>(
            $"SELECT id, org_id, shadow_desired, shadow_reported, shadow_metadata, shadow_version, last_seen, offline_alerted_at FROM devices WHERE {where}{db.ForUpdate()}",
            p, tx)).ToDictionary(r => r.Id);
        // One statement for every device of the batch, re-bound per device.
        using var update = new ReportedUpdate(db, conn, tx);
        foreach (var group in groups)
        {
            if (!rows.TryGetValue(group.Key.Id, out var row)) continue; // deleted while connected: nothing to update
            var state = row.ToState();
            var changed = false;
            long lastSeen = row.LastSeen ?? 0;
            foreach (var (fields, ts, receivedAt) in group.OrderBy(x => x.Ts))
            {
                changed |= state.MergeReported(fields, ts);
                lastSeen = Math.Max(lastSeen, receivedAt);
            }
            if (changed) state.Version++;
            await update.RunAsync(state.Reported.ToJsonString(), state.Metadata.ToJsonString(), state.Version, lastSeen, group.Key.Id);
            // The device's org as it is now: an MQTT connection keeps the DeviceRef of its CONNECT, and the device may
            // have been moved to another org since.
            results.Add(new ReportedResult(group.Key with { OrgId = row.OrgId }, state, changed, row.OfflineAlertedAt is not null));
        }
        return results;
    }

    /// <summary>The reported-state UPDATE of <see cref="ApplyReportedAsync"/>: on SQLite bound by position through the C API.</summary>
    private sealed class ReportedUpdate : IDisposable
    {
        private const string Sql =
            "UPDATE devices SET shadow_reported = {0}, shadow_metadata = {1}, shadow_version = {2}, last_seen = {3}, offline_alerted_at = NULL WHERE id = {4}";

        private readonly SqliteStatement? _sqlite;
        private readonly DbCommand? _command;

        public ReportedUpdate(Database db, DbConnection conn, DbTransaction tx)
        {
            if (db.Engine == DbEngine.Sqlite)
            {
                _sqlite = SqliteStatement.Prepare(conn, string.Format(Sql, "?1", "?2", "?3", "?4", "?5"));
                return;
            }
            _command = conn.CreateCommand();
            _command.Transaction = tx;
            _command.CommandText = string.Format(Sql, "@r", "@m", "@v", "@seen", "@id");
            foreach (var name in new[] { "@r", "@m", "@v", "@seen", "@id" }) _command.AddParameter(name);
        }

        public async Task RunAsync(string reported, string metadata, long version, long lastSeen, string id)
        {
            if (_sqlite is not null)
            {
                _sqlite.Bind(1, reported).Bind(2, metadata).Bind(3, version).Bind(4, lastSeen).Bind(5, id).Execute();
                return;
            }
            var p = _command!.Parameters;
            (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value) = (reported, metadata, version, lastSeen, id);
            await _command.ExecuteNonQueryAsync();
        }

        public void Dispose()
        {
            _sqlite?.Dispose();
            _command?.Dispose();
        }
    }

    /// <summary>A device silent since <see cref="LastSeen"/>, now claimed for one offline alert.</summary>
    public sealed record SilentDevice(string Id, string SerialNo, string? OrgId, long LastSeen);

    /// <summary>
    /// Devices silent since <paramref name="cutoff"/> and not yet alerted: each is claimed (offline_alerted_at = now) by exactly
    /// one caller, even with several server instances, and yielded only to that caller.
    /// </summary>
    public async IAsyncEnumerable<SilentDevice> ClaimSilentAsync(long cutoff, long now, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var silent = (await conn.QueryAsync<SilentDevice>(
            "SELECT id, serial_no, org_id, last_seen FROM devices WHERE last_seen IS NOT NULL AND last_seen <= @cutoff AND offline_alerted_at IS NULL LIMIT 1000",
            new { cutoff })).AsList();
        foreach (var d in silent)
        {
            var claimed = await conn.ExecuteAsync(
                "UPDATE devices SET offline_alerted_at = @now WHERE id = @id AND offline_alerted_at IS NULL AND last_seen <= @cutoff",
                new { now, id = d.Id, cutoff });
            if (claimed == 1) yield return d;
        }
    }

    private const string SelectSql =
        "SELECT shadow_desired, shadow_reported, shadow_metadata, shadow_version, last_seen, offline_alerted_at FROM devices WHERE id = @id";

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string? OrgId { get; set; }
        public string ShadowDesired { get; set; } = "{}";
        public string ShadowReported { get; set; } = "{}";
        public string ShadowMetadata { get; set; } = "{}";
        public long ShadowVersion { get; set; }
        public long? LastSeen { get; set; }
        public long? OfflineAlertedAt { get; set; }
        public ShadowState ToState() => ShadowState.Parse(ShadowDesired, ShadowReported, ShadowMetadata, ShadowVersion);
    }
}
