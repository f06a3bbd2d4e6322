using Dapper;
using EdgeConductor.Server.Storage;

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
    /// avg/min/max/count of a numeric metric per bucket of <paramref name="bucketMs"/>, aligned to the Unix epoch (UTC).
    /// min/max are cast to double (SQLite returns an integer when the extreme value is one, e.g. temp 21, so the column
    /// type could change from row to row), and rows are read into a settable <see cref="BucketRow"/>: with no rows at all
    /// SQLite reports the columns as BLOB and Dapper cannot pick a constructor of the positional <see cref="Bucket"/>.
    /// </summary>
    public async Task<IReadOnlyList<Bucket>> AggregateAsync(string deviceId, string metric, long bucketMs, long from, long to, CancellationToken ct)
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

    /// <summary>Deletes records of <paramref name="orgId"/> (null = devices in no org) older than <paramref name="cutoff"/>, in chunks.</summary>
    public async Task<long> PruneAsync(string? orgId, long cutoff, int chunk, CancellationToken ct)
    {
        var orgCondition = orgId is null ? "org_id IS NULL" : "org_id = @orgId";
        long total = 0;
        while (!ct.IsCancellationRequested)
        {
            await using var conn = await db.OpenAsync(ct);
            var n = await conn.ExecuteAsync(
                $"DELETE FROM telemetry WHERE id IN (SELECT id FROM telemetry WHERE {orgCondition} AND ts < @cutoff LIMIT @chunk)",
                new { orgId, cutoff, chunk });
            total += n;
            if (n < chunk) break;
            await Task.Yield(); // let ingest batches in between chunks
        }
        return total;
    }

    public async Task DeleteDeviceAsync(string deviceId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("DELETE FROM telemetry WHERE device_id = @deviceId", new { deviceId });
    }
}
