using System.Buffers;
using System.Data.Common;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Dapper;
using EdgeConductor.Server.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace EdgeConductor.Server.Telemetry;

/// <summary>
/// The database side of <see cref="TelemetryRollupWorker"/>: reads telemetry rows above the watermark in id order,
/// aggregates their numeric fields per (device, metric, minute, org) in memory, and upserts the sums into
/// telemetry_rollup and advances the watermark in one transaction.
/// </summary>
/// <remarks>
/// <para><b>Which rows are rolled up.</b> Exactly those with id &lt;= telemetry_rollup_state.watermark. That needs the
/// ids below the watermark to be final (committed, or never going to be) when the watermark passes them:</para>
/// <list type="bullet">
/// <item>SQLite: a write transaction holds the database's write lock from its first insert to its commit and AUTOINCREMENT
/// hands out max+1 inside it, so rows commit in id order; every id up to the largest one a read snapshot sees is
/// final.</item>
/// <item>PostgreSQL: identity values are handed out when a row is inserted, and transactions (of the writers of several
/// server instances sharing the database) commit in any order, so a plain "id &gt; watermark" could pass over a row
/// that commits later with a smaller id. <see cref="SafeHorizonAsync"/> takes a snapshot S and the largest id M visible in
/// it, then waits until every transaction in progress at S (pg_snapshot_xip) has ended. Any id &lt;= M was allocated
/// before M, whose transaction committed before S; so its transaction had either ended by S (the row is visible, or it
/// rolled back) or was in progress at S and has ended now. Ids handed out later are &gt; M (the identity sequence has
/// the default CACHE 1). The one gap: a transaction that got an id but no transaction id yet (the instant between
/// nextval and the row's insert) is not in pg_snapshot_xip. The telemetry writer updates the devices' reported state
/// before inserting telemetry, so its transaction always has an id by then. If some transaction stays in progress
/// (another long writer), the pass waits a little and gives up until the next one: the aggregate stays exact by reading
/// the not-yet-rolled-up rows raw.</item>
/// </list>
/// <para><b>Concurrent passes and deletes.</b> A pass reads (watermark, generation) before the rows and commits only if
/// both are unchanged (checked under the state row's lock), so two passes (two instances, or a test's and the
/// background one) never add the same rows twice, and rows that retention or a device deletion removed after the pass
/// read them are not written back (those deletes bump the generation in their transaction).</para>
/// </remarks>
internal sealed class TelemetryRollupStore(Database db)
{
    private const string UpsertColumns =
        "telemetry_rollup AS r (device_id, metric, minute, org_id, value_count, value_sum, value_sum_err, value_min, value_max)";

    /// <summary>
    /// Adds the new cell to an existing row: counts and extremes, and the sums with TwoSum's exact rounding error
    /// (s = a + b; err(a, b) = (a - (s - (s - a))) + (b - (s - a))) added to the error term, so no precision is lost.
    /// </summary>
    private static string OnConflict(DbEngine engine) => $"""
        ON CONFLICT (device_id, metric, minute, org_id) DO UPDATE SET
            value_count = r.value_count + excluded.value_count,
            value_sum = r.value_sum + excluded.value_sum,
            value_sum_err = r.value_sum_err + excluded.value_sum_err
                + ((r.value_sum - ((r.value_sum + excluded.value_sum) - ((r.value_sum + excluded.value_sum) - r.value_sum)))
                   + (excluded.value_sum - ((r.value_sum + excluded.value_sum) - r.value_sum))),
            value_min = {(engine == DbEngine.Postgres ? "LEAST" : "min")}(r.value_min, excluded.value_min),
            value_max = {(engine == DbEngine.Postgres ? "GREATEST" : "max")}(r.value_max, excluded.value_max)
        """;

    public readonly record struct State(long Watermark, long Generation);

    /// <summary>What one chunk did: rows read, whether it was committed (false: a concurrent pass or delete got there
    /// first; nothing was written), whether the watermark reached the horizon, and how many ids remain above it.</summary>
    public readonly record struct ChunkResult(int Rows, bool Committed, bool CaughtUp, long Behind);

    private async Task<State> ReadStateAsync(DbConnection conn, DbTransaction? tx, bool forUpdate)
    {
        var (watermark, generation) = await conn.QuerySingleAsync<(long, long)>(
            $"SELECT watermark, generation FROM telemetry_rollup_state WHERE id = 1{(forUpdate ? db.ForUpdate() : "")}", transaction: tx);
        return new State(watermark, generation);
    }

    /// <summary>
    /// The largest id up to which every telemetry row is final (see the remarks), or null when that cannot be
    /// established within <paramref name="maxWait"/>. SQLite: no limit (the chunk reads bound themselves).
    /// </summary>
    public async Task<long?> SafeHorizonAsync(TimeSpan maxWait, CancellationToken ct)
    {
        if (db.Engine == DbEngine.Sqlite) return long.MaxValue;
        await using var conn = await db.OpenAsync(ct);
        // One statement, one snapshot: pg_current_snapshot() is the statement's snapshot, MAX(id) is read in it.
        var (snapshot, maxId) = await conn.QuerySingleAsync<(string, long)>(
            "SELECT CAST(pg_current_snapshot() AS text), (SELECT COALESCE(MAX(id), 0) FROM telemetry)");
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var running = await conn.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM pg_snapshot_xip(CAST(@snapshot AS pg_snapshot)) AS x WHERE pg_xact_status(x) = 'in progress'",
                new { snapshot });
            if (running == 0) return maxId;
            if (waited.Elapsed >= maxWait) return null;
            await Task.Delay(5, ct);
        }
    }

    /// <summary>Rolls up at most <paramref name="chunk"/> rows with ids in (watermark, <paramref name="horizon"/>].</summary>
    public async Task<ChunkResult> RollUpChunkAsync(long horizon, int chunk, CancellationToken ct)
    {
        var (state, upTo, rows, maxId) = await ReadChunkAsync(horizon, chunk, ct);
        if (upTo <= state.Watermark) return new ChunkResult(0, Committed: true, CaughtUp: true, Math.Max(0, maxId - state.Watermark));
        var committed = await CommitAsync(state, upTo, Aggregate(rows), ct);
        return new ChunkResult(rows.Count, committed, CaughtUp: committed && rows.Count < chunk, Math.Max(0, maxId - (committed ? upTo : state.Watermark)));
    }

    /// <summary>The rows' numeric fields, summed per (device, metric, minute, org).</summary>
    private static Dictionary<RollupKey, RollupCell> Aggregate(List<Row> rows)
    {
        var cells = new Dictionary<RollupKey, RollupCell>();
        var numbers = new List<(string Metric, double Value)>(16);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            foreach (var row in rows)
            {
                var max = Encoding.UTF8.GetMaxByteCount(row.Payload.Length);
                if (buffer.Length < max)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(max);
                }
                var length = Encoding.UTF8.GetBytes(row.Payload, buffer);
                numbers.Clear();
                TelemetryRollup.ReadNumbers(buffer.AsSpan(0, length), numbers);
                var minute = TelemetryRollup.FloorToMinute(row.Ts);
                foreach (var (metric, value) in numbers)
                    CollectionsMarshal.GetValueRefOrAddDefault(cells, new RollupKey(row.DeviceId, metric, minute, row.OrgId ?? ""), out _).Add(value);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return cells;
    }

    private readonly record struct Row(string DeviceId, string? OrgId, long Ts, string Payload);

    /// <summary>
    /// The state, then the rows above its watermark (one read snapshot on SQLite; on PostgreSQL the rows are read after
    /// the state, and the commit re-checks it). UpTo = the watermark once these rows are in: the last row's id when the
    /// chunk is full, else the limit (no row, committed or to come, lies between). MaxId = the newest id seen.
    /// </summary>
    private async Task<(State State, long UpTo, List<Row> Rows, long MaxId)> ReadChunkAsync(long horizon, int chunk, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = db.Engine == DbEngine.Sqlite
            ? ((SqliteConnection)conn).BeginTransaction(deferred: true)
            : await conn.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
        var state = await ReadStateAsync(conn, tx, forUpdate: false);
        var maxId = await conn.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(id), 0) FROM telemetry", transaction: tx);
        var limit = Math.Min(horizon, maxId);
        var rows = new List<Row>();
        if (limit <= state.Watermark) return (state, state.Watermark, rows, maxId);

        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT id, device_id, org_id, ts, {db.JsonText("payload")} FROM telemetry WHERE id > @after AND id <= @limit ORDER BY id LIMIT @chunk";
        cmd.AddParameter("@after").Value = state.Watermark;
        cmd.AddParameter("@limit").Value = limit;
        cmd.AddParameter("@chunk").Value = chunk;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var lastId = state.Watermark;
        while (await reader.ReadAsync(ct))
        {
            lastId = reader.GetInt64(0);
            rows.Add(new Row(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3), reader.GetString(4)));
        }
        return (state, rows.Count == chunk ? lastId : limit, rows, maxId);
    }

    private async Task<bool> CommitAsync(State read, long upTo, Dictionary<RollupKey, RollupCell> cells, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct); // SQLite: BEGIN IMMEDIATE, the write lock up front
        if (await ReadStateAsync(conn, tx, forUpdate: true) != read) return false; // rolled back on dispose
        if (db.Engine == DbEngine.Postgres) await UpsertPostgresAsync(conn, tx, cells, ct);
        else await UpsertSqliteAsync(conn, tx, cells, ct);
        await conn.ExecuteAsync("UPDATE telemetry_rollup_state SET watermark = @upTo WHERE id = 1", new { upTo }, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>One prepared single-row upsert, re-bound per cell (SQLite is in-process: a step costs microseconds).</summary>
    private static async Task UpsertSqliteAsync(DbConnection conn, DbTransaction tx, Dictionary<RollupKey, RollupCell> cells, CancellationToken ct)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT INTO {UpsertColumns} VALUES (@d, @m, @t, @o, @n, @s, @e, @lo, @hi) {OnConflict(DbEngine.Sqlite)}";
        var p = new[] { "@d", "@m", "@t", "@o", "@n", "@s", "@e", "@lo", "@hi" }.Select(cmd.AddParameter).ToArray();
        await cmd.PrepareAsync(ct);
        foreach (var (key, cell) in cells)
        {
            (p[0].Value, p[1].Value, p[2].Value, p[3].Value) = (key.DeviceId, key.Metric, key.Minute, key.OrgKey);
            (p[4].Value, p[5].Value, p[6].Value, p[7].Value, p[8].Value) = (cell.Count, cell.Sum, cell.Err, cell.Min, cell.Max);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>One INSERT … SELECT FROM unnest(nine arrays) … ON CONFLICT: one round trip whatever the number of cells.</summary>
    private static async Task UpsertPostgresAsync(DbConnection conn, DbTransaction tx, Dictionary<RollupKey, RollupCell> cells, CancellationToken ct)
    {
        if (cells.Count == 0) return;
        var n = cells.Count;
        var (devices, metrics, minutes, orgs) = (new string[n], new string[n], new long[n], new string[n]);
        var (counts, sums, errs, mins, maxs) = (new long[n], new double[n], new double[n], new double[n], new double[n]);
        var i = 0;
        foreach (var (key, cell) in cells)
        {
            (devices[i], metrics[i], minutes[i], orgs[i]) = (key.DeviceId, key.Metric, key.Minute, key.OrgKey);
            (counts[i], sums[i], errs[i], mins[i], maxs[i]) = (cell.Count, cell.Sum, cell.Err, cell.Min, cell.Max);
            i++;
        }
        await using var cmd = (NpgsqlCommand)conn.CreateCommand();
        cmd.Transaction = (NpgsqlTransaction)tx;
        cmd.CommandText = $"INSERT INTO {UpsertColumns} SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9) {OnConflict(DbEngine.Postgres)}";
        cmd.Parameters.Add(new NpgsqlParameter { Value = devices, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = metrics, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = minutes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = orgs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = counts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = sums, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
        cmd.Parameters.Add(new NpgsqlParameter { Value = errs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
        cmd.Parameters.Add(new NpgsqlParameter { Value = mins, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
        cmd.Parameters.Add(new NpgsqlParameter { Value = maxs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
