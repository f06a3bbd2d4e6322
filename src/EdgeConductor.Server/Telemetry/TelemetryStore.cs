using System.Data.Common;
using System.Runtime.InteropServices;
using Dapper;
using EdgeConductor.Server.Storage;
using Microsoft.Data.Sqlite;

namespace EdgeConductor.Server.Telemetry;

/// <summary>Reads of stored telemetry, and its pruning. Rows are (device_id, ts, payload JSON).</summary>
public sealed class TelemetryStore(Database db)
{
    public sealed record Record(long Ts, string Payload);
    public sealed record Bucket(long Ts, double Avg, double Min, double Max, long Count);

    /// <summary>
    /// The newest <paramref name="limit"/> records in [from, to), oldest first, read from the database as the caller
    /// consumes them (a week of 5-second readings is 120,960 records: they are streamed, never held in memory at once).
    /// </summary>
    public async IAsyncEnumerable<Record> HistoryAsync(string deviceId, long from, long to, int limit,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var rows = conn.QueryUnbufferedAsync<Record>($"""
            SELECT ts, {db.JsonText("payload")} AS payload FROM (
                SELECT id, ts, payload FROM telemetry WHERE device_id = @deviceId AND ts >= @from AND ts < @to
                ORDER BY ts DESC, id DESC LIMIT @limit) AS newest
            ORDER BY ts, id
            """, new { deviceId, from, to, limit });
        await foreach (var row in rows.WithCancellation(ct)) yield return row;
    }

    /// <summary>The newest <paramref name="limit"/> records, newest first.</summary>
    public async Task<IReadOnlyList<Record>> RecentAsync(string deviceId, int limit, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<Record>(
            $"SELECT ts, {db.JsonText("payload")} AS payload FROM telemetry WHERE device_id = @deviceId ORDER BY ts DESC, id DESC LIMIT @limit",
            new { deviceId, limit })).AsList();
    }

    /// <summary>
    /// avg/min/max/count of a numeric metric per bucket of <paramref name="bucketMs"/>, aligned to the Unix epoch (UTC):
    /// the same buckets <see cref="AggregateRawAsync"/> computes from the raw rows, without reading most of them.
    /// <list type="bullet">
    /// <item>The whole minutes in [from, to) come from telemetry_rollup (one row per device, metric, minute and org, kept
    /// by <see cref="TelemetryRollupWorker"/>) for the rows it holds (id &lt;= watermark), plus the rows above the
    /// watermark (not rolled up yet: normally the last seconds' worth), read raw.</item>
    /// <item>The partial minutes at either end, when from/to are not on a minute, are read raw.</item>
    /// </list>
    /// The watermark, the rollups and the raw rows are read in one snapshot (a read transaction on SQLite, REPEATABLE
    /// READ on PostgreSQL), so a rollup pass committing meanwhile is seen entirely or not at all: no row is counted twice
    /// or missed. Every bucket interval is a whole number of minutes, so every minute falls in exactly one bucket.
    /// count, min and max are exactly the raw query's; avg uses a compensated sum (<see cref="RollupCell"/>), equal to
    /// SQLite's own AVG (also compensated) in practice, and at least as accurate as PostgreSQL's plain float AVG.
    /// </summary>
    public async Task<IReadOnlyList<Bucket>> AggregateAsync(string deviceId, string metric, long bucketMs, long from, long to, CancellationToken ct)
    {
        if (bucketMs <= 0 || bucketMs % TelemetryRollup.MinuteMs != 0) return await AggregateRawAsync(deviceId, metric, bucketMs, from, to, ct);
        var wholeFrom = TelemetryRollup.CeilToMinute(from);
        var wholeTo = TelemetryRollup.FloorToMinute(to);
        if (wholeFrom >= wholeTo) wholeFrom = wholeTo = to; // not one whole minute: all raw

        var buckets = new Dictionary<long, RollupCell>();
        await using var conn = await db.OpenAsync(ct);
        await using var tx = db.Engine == DbEngine.Sqlite
            ? ((SqliteConnection)conn).BeginTransaction(deferred: true) // a read snapshot, without taking the write lock
            : await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var (watermark, maxId) = await conn.QuerySingleAsync<(long, long)>(
            "SELECT watermark, (SELECT COALESCE(MAX(id), 0) FROM telemetry) FROM telemetry_rollup_state WHERE id = 1", transaction: tx);

        if (wholeFrom < wholeTo)
        {
            await using var rollups = Command(conn, tx,
                "SELECT minute, value_count, value_sum, value_sum_err, value_min, value_max FROM telemetry_rollup " +
                "WHERE device_id = @deviceId AND metric = @metric AND minute >= @wholeFrom AND minute < @wholeTo",
                ("@deviceId", deviceId), ("@metric", metric), ("@wholeFrom", wholeFrom), ("@wholeTo", wholeTo));
            await using var r = await rollups.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var minute = r.GetInt64(0);
                CollectionsMarshal.GetValueRefOrAddDefault(buckets, minute / bucketMs * bucketMs, out _)
                    .Merge(r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.GetDouble(5));
            }
        }

        // The rows not rolled up yet, by id: normally a few seconds' worth, so on SQLite walk the ids above the watermark
        // rather than the device's index over the whole range (unary + keeps SQLite off an index). While the worker is far
        // behind (just after an upgrade, say) the device's (device_id, ts) index is the cheaper way.
        var tailByIds = maxId - watermark <= TailByIdsLimit && db.Engine == DbEngine.Sqlite;
        var tail = tailByIds
            ? "id > @watermark AND +device_id = @deviceId AND +ts >= @wholeFrom AND +ts < @wholeTo"
            : "device_id = @deviceId AND ts >= @wholeFrom AND ts < @wholeTo AND id > @watermark";
        var value = db.JsonNumber("payload", "metric");
        await using (var raw = Command(conn, tx, $"""
            SELECT ts, v FROM (
                SELECT ts, {value} AS v FROM telemetry WHERE device_id = @deviceId AND ts >= @from AND ts < @wholeFrom
                UNION ALL
                SELECT ts, {value} AS v FROM telemetry WHERE device_id = @deviceId AND ts >= @wholeTo AND ts < @to
                UNION ALL
                SELECT ts, {value} AS v FROM telemetry WHERE {tail}
            ) AS x WHERE v IS NOT NULL
            """,
            ("@deviceId", deviceId), ("@metric", metric), ("@from", from), ("@to", to), ("@wholeFrom", wholeFrom), ("@wholeTo", wholeTo),
            ("@watermark", watermark)))
        {
            await using var r = await raw.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var ts = r.GetInt64(0);
                // SQLite hands integers over as such; GetDouble converts them as CAST(… AS DOUBLE PRECISION) does.
                CollectionsMarshal.GetValueRefOrAddDefault(buckets, ts / bucketMs * bucketMs, out _).Add(r.GetDouble(1));
            }
        }
        await tx.CommitAsync(ct);

        var result = new List<Bucket>(buckets.Count);
        foreach (var (ts, cell) in buckets.OrderBy(b => b.Key)) result.Add(new Bucket(ts, cell.Average, cell.Min, cell.Max, cell.Count));
        return result;
    }

    /// <summary>
    /// Up to this many ids above the watermark, SQLite reads the not-rolled-up rows by id (see above): a walk over at most
    /// this many rows of all devices (~0.4 µs each), against one over the device's index entries in the range (~0.1 µs
    /// each, 120,960 for 7 days of 5-second data). With a pass every 2 s the walk is normally a few hundred rows.
    /// </summary>
    internal long TailByIdsLimit { get; set; } = 10_000;

    private static DbCommand Command(DbConnection conn, DbTransaction tx, string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.AddParameter(name).Value = value;
        return cmd;
    }

    /// <summary>
    /// The aggregate computed from the raw rows alone, extracting the metric from every payload in [from, to): what
    /// <see cref="AggregateAsync"/> computed before the rollups, kept as the reference it is tested against.
    /// min/max are cast to double (SQLite returns an integer when the extreme value is one, e.g. temp 21, so the column
    /// type could change from row to row), and rows are read into a settable <see cref="BucketRow"/>: with no rows at all
    /// SQLite reports the columns as BLOB and Dapper cannot pick a constructor of the positional <see cref="Bucket"/>.
    /// </summary>
    internal async Task<IReadOnlyList<Bucket>> AggregateRawAsync(string deviceId, string metric, long bucketMs, long from, long to, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var rows = await conn.QueryAsync<BucketRow>($"""
            SELECT b AS ts, CAST(AVG(v) AS DOUBLE PRECISION) AS avg, CAST(MIN(v) AS DOUBLE PRECISION) AS min,
                   CAST(MAX(v) AS DOUBLE PRECISION) AS max, COUNT(v) AS count
            FROM (SELECT (ts / @bucketMs) * @bucketMs AS b, {db.JsonNumber("payload", "metric")} AS v
                  FROM telemetry WHERE device_id = @deviceId AND ts >= @from AND ts < @to) AS x
            WHERE v IS NOT NULL
            GROUP BY b ORDER BY b
            """, new { deviceId, metric, bucketMs, from, to });
        return rows.Select(r => new Bucket(r.Ts, r.Avg, r.Min, r.Max, r.Count)).ToList();
    }

    private sealed class BucketRow
    {
        public long Ts { get; set; }
        public double Avg { get; set; }
        public double Min { get; set; }
        public double Max { get; set; }
        public long Count { get; set; }
    }

    private const string BumpGeneration = "UPDATE telemetry_rollup_state SET generation = generation + 1 WHERE id = 1";

    /// <summary>
    /// Deletes records of <paramref name="orgId"/> (null = devices in no org) older than <paramref name="cutoff"/>, and
    /// their rollups, in chunks. The cutoff is rounded down to a minute so that rows and rollups lose exactly the same
    /// readings (aggregates stay exact); each chunk bumps the rollup generation in its transaction, so a rollup pass
    /// that read some of these rows before cannot write them back. Returns the records deleted.
    /// </summary>
    public async Task<long> PruneAsync(string? orgId, long cutoff, int chunk, CancellationToken ct)
    {
        cutoff = TelemetryRollup.FloorToMinute(cutoff);
        var orgCondition = orgId is null ? "org_id IS NULL" : "org_id = @orgId";
        var deleted = await DeleteInChunksAsync(
            $"DELETE FROM telemetry WHERE id IN (SELECT id FROM telemetry WHERE {orgCondition} AND ts < @cutoff LIMIT @chunk)",
            new { orgId, cutoff, chunk }, chunk, ct);
        // Rollup rows have no id (on SQLite not even a rowid: the table is WITHOUT ROWID): delete by primary key.
        await DeleteInChunksAsync("""
            DELETE FROM telemetry_rollup WHERE (device_id, metric, minute, org_id) IN
                (SELECT device_id, metric, minute, org_id FROM telemetry_rollup WHERE org_id = @orgKey AND minute < @cutoff LIMIT @chunk)
            """,
            new { orgKey = orgId ?? "", cutoff, chunk }, chunk, ct);
        return deleted;
    }

    private async Task<long> DeleteInChunksAsync(string sql, object args, int chunk, CancellationToken ct)
    {
        long total = 0;
        while (!ct.IsCancellationRequested)
        {
            int n;
            await using (var conn = await db.OpenAsync(ct))
            await using (var tx = await conn.BeginTransactionAsync(ct))
            {
                n = await conn.ExecuteAsync(sql, args, tx);
                if (n > 0) await conn.ExecuteAsync(BumpGeneration, transaction: tx);
                await tx.CommitAsync(ct);
            }
            total += n;
            if (n < chunk) break;
            await Task.Yield(); // let ingest batches in between chunks
        }
        return total;
    }

    /// <summary>A device's records and rollups, in one transaction (which also bumps the rollup generation, see <see cref="PruneAsync"/>).</summary>
    public async Task DeleteDeviceAsync(string deviceId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync("DELETE FROM telemetry WHERE device_id = @deviceId", new { deviceId }, tx);
        await conn.ExecuteAsync("DELETE FROM telemetry_rollup WHERE device_id = @deviceId", new { deviceId }, tx);
        await conn.ExecuteAsync(BumpGeneration, transaction: tx);
        await tx.CommitAsync(ct);
    }
}
