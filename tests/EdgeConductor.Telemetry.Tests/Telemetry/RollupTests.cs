using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Storage;
using EdgeConductor.Server.Telemetry;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeConductor.Telemetry.Tests.Telemetry;

/// <summary>
/// A server of its own whose rollup worker never runs by itself (RollupInterval = 0): the tests decide when rows are
/// rolled up (<see cref="TelemetryRollupWorker.RunOnceAsync"/>), and can restart the server on the same database.
/// </summary>
public abstract class RollupServerFixture : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "ec-rollup-tests-" + Guid.NewGuid().ToString("N")[..12]);
    private string? _postgres;

    internal EcServer Server { get; private set; } = null!;

    /// <summary>EC_DATABASE: null = SQLite in the data dir.</summary>
    protected virtual Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);

    protected virtual Task DropDatabaseAsync(string connectionString) => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        _postgres = await CreateDatabaseAsync();
        Server = Start();
    }

    private EcServer Start() => new EcServer(postgres: _postgres, dataDir: _dataDir, services: s =>
    {
        s.RemoveAll<TelemetryOptions>();
        s.AddSingleton(new TelemetryOptions { RollupInterval = TimeSpan.Zero });
    }).Start();

    /// <summary>Stops the server and starts a new one on the same data (new ports: make new HTTP clients).</summary>
    public async Task RestartAsync()
    {
        await Server.DisposeAsync();
        Server = Start();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        if (_postgres is not null) await DropDatabaseAsync(_postgres);
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}

public sealed class SqliteRollupFixture : RollupServerFixture;

public sealed class PostgresRollupFixture : RollupServerFixture
{
    protected override async Task<string?> CreateDatabaseAsync() =>
        await (await EdgeConductor.Testing.PostgresTestServer.GetAsync()).CreateDatabaseAsync("rollup");

    protected override async Task DropDatabaseAsync(string connectionString) =>
        await (await EdgeConductor.Testing.PostgresTestServer.GetAsync()).DropDatabaseAsync(connectionString);
}

/// <summary>
/// The aggregate endpoint over rollups + raw rows against the raw computation (<see cref="TelemetryStore.AggregateRawAsync"/>,
/// the query the endpoint ran before rollups) and against values computed here from the readings sent: random integers,
/// decimals and full-precision doubles in several metrics, mixed with booleans and strings, back-filled, queried with
/// aligned and unaligned from/to, with nothing, everything and half of it rolled up. Then restarts, retention and device
/// deletion.
/// </summary>
public abstract class RollupTestsBase(RollupServerFixture fixture)
{
    private static readonly string[] Metrics = ["temp", "n", "x", "mix", "flag", "label", "absent"];
    private static readonly (string Name, long Ms)[] Intervals = [("1m", 60_000), ("5m", 300_000), ("1h", 3_600_000), ("1d", 86_400_000)];
    private const long Minute = 60_000;

    private EcServer Server => fixture.Server;
    private TelemetryRollupWorker Worker => Server.Services.GetRequiredService<TelemetryRollupWorker>();
    private TelemetryStore Store => Server.Services.GetRequiredService<TelemetryStore>();
    private Database Db => Server.Services.GetRequiredService<Database>();

    /// <summary>One reading as sent; field values are long, double, bool or string.</summary>
    private sealed record Reading(long Ts, IReadOnlyList<(string Name, object Value)> Fields)
    {
        public string Json()
        {
            var sb = new StringBuilder("{");
            foreach (var (name, value) in Fields)
            {
                sb.Append('"').Append(name).Append("\":");
                sb.Append(value switch
                {
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    bool b => b ? "true" : "false",
                    string s => $"\"{s}\"",
                    _ => throw new InvalidOperationException(),
                }).Append(',');
            }
            return sb.Append("\"ts\":").Append(Ts).Append('}').ToString();
        }
    }

    private static long FloorMinute(long ms) => ms - ms % Minute;

    /// <summary>
    /// Readings with ts in [start, end): a tenth on a minute's first millisecond, a tenth on its last, the rest anywhere.
    /// Metrics: temp (2-decimal), n (integers), x (doubles of any magnitude, full precision), mix (integer, decimal,
    /// boolean or string), flag (booleans only), label (strings only); each reading has some of them.
    /// </summary>
    private static List<Reading> Generate(Random rng, int count, long start, long end)
    {
        var list = new List<Reading>(count);
        for (var i = 0; i < count; i++)
        {
            var ts = start + (long)(rng.NextDouble() * (end - start));
            var edge = rng.Next(10);
            if (edge == 0) ts = FloorMinute(ts);
            else if (edge == 1) ts = FloorMinute(ts) + Minute - 1;
            ts = Math.Clamp(ts, start, end - 1);
            var fields = new List<(string, object)>();
            if (rng.Next(4) != 0) fields.Add(("temp", Math.Round(rng.NextDouble() * 60 - 20, 2)));
            if (rng.Next(3) != 0) fields.Add(("n", (long)rng.Next(-1_000, 1_000_000)));
            if (rng.Next(3) == 0) fields.Add(("x", (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-6, 12))));
            if (rng.Next(2) == 0)
            {
                fields.Add(("mix", rng.Next(4) switch
                {
                    0 => (object)(long)rng.Next(-50, 50),
                    1 => Math.Round(rng.NextDouble() * 10, 3),
                    2 => rng.Next(2) == 0,
                    _ => "n/a",
                }));
            }
            if (rng.Next(3) == 0) fields.Add(("flag", rng.Next(2) == 0));
            if (rng.Next(5) == 0) fields.Add(("label", "on"));
            if (fields.Count == 0) fields.Add(("label", "idle"));
            list.Add(new Reading(ts, fields));
        }
        return list;
    }

    private static async Task PushAllAsync(HttpClient http, string serial, IEnumerable<Reading> readings) =>
        await Parallel.ForEachAsync(readings, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (r, _) =>
            await http.PostRawAsync($"devices/{serial}/telemetry", r.Json()).ExpectAsync(HttpStatusCode.OK));

    private sealed record B(long Ts, double Avg, double Min, double Max, long Count);

    private static string Iso(long ms) => Uri.EscapeDataString(DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));

    private async Task<List<B>> ApiAsync(HttpClient http, string serial, string metric, string interval, long from, long to)
    {
        var array = (JsonArray)await http.GetJsonAsync($"devices/{serial}/telemetry/aggregate?metric={metric}&interval={interval}&from={Iso(from)}&to={Iso(to)}");
        return array.Select(b => new B(DateTimeOffset.Parse(b!["ts"]!.GetValue<string>(), CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
            b["avg"]!.GetValue<double>(), b["min"]!.GetValue<double>(), b["max"]!.GetValue<double>(), b["count"]!.GetValue<long>())).ToList();
    }

    /// <summary>The buckets computed here from the readings: numbers, and booleans as 1 / 0 (strings ignored), [from, to).</summary>
    private static List<B> Expected(IEnumerable<Reading> readings, string metric, long bucketMs, long from, long to) =>
        readings.Where(r => r.Ts >= from && r.Ts < to)
            .SelectMany(r => r.Fields.Where(f => f.Name == metric && f.Value is long or double or bool).Select(f => (r.Ts, V: Convert.ToDouble(f.Value, CultureInfo.InvariantCulture))))
            .GroupBy(x => x.Ts / bucketMs * bucketMs)
            .OrderBy(g => g.Key)
            .Select(g => new B(g.Key, g.Average(x => x.V), g.Min(x => x.V), g.Max(x => x.V), g.Count()))
            .ToList();

    /// <summary>
    /// How far avg may be from the raw query's. SQLite's AVG sums with Kahan–Babuška–Neumaier compensation, as the rollups
    /// do, so both give the correctly rounded average (but in contrived cases): identical bits, asserted as such.
    /// PostgreSQL's AVG(double precision) adds plainly in scan order, so there the two differ in the last bits (the rollup
    /// side being the more accurate one).
    /// </summary>
    private double RawAvgTolerance => Db.Engine == DbEngine.Sqlite ? 0 : 1e-12;

    /// <summary>
    /// ts, count, min and max must be identical; avg equal to within <paramref name="avgTolerance"/> (relative; against
    /// the plain sum computed here 1e-9).
    /// </summary>
    private static void AssertSame(IReadOnlyList<B> expected, IReadOnlyList<B> actual, double avgTolerance, string what)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {expected.Count} buckets expected, {actual.Count} returned");
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            var where = $"{what}, bucket {DateTimeOffset.FromUnixTimeMilliseconds(e.Ts):O}: expected {e}, got {a}";
            Assert.True(e.Ts == a.Ts && e.Count == a.Count && e.Min.Equals(a.Min) && e.Max.Equals(a.Max), where);
            Assert.True(Math.Abs(e.Avg - a.Avg) <= avgTolerance * Math.Max(1, Math.Abs(e.Avg)), where);
        }
    }

    /// <summary>Ranges over [start, end): aligned, unaligned at either end, inside one minute, across one boundary, empty.</summary>
    private static List<(long From, long To)> Ranges(Random rng, long start, long end)
    {
        var m = FloorMinute(start + (end - start) / 2);
        return
        [
            (FloorMinute(start) - 3_600_000, end + 3_600_000),                       // everything, aligned
            (start + rng.Next(1, 59_999), end - rng.Next(1, 59_999)),                // unaligned at both ends
            (FloorMinute(start + 600_000), end - rng.Next(1, 59_999)),               // aligned from, unaligned to
            (start + rng.Next(1, 59_999), FloorMinute(end - 600_000)),               // unaligned from, aligned to
            (m + 1_000, m + 50_000),                                                  // inside one minute
            (m + 30_000, m + 90_000),                                                 // two partial minutes, no whole one
            (m - 17 * Minute + 1, m + 23 * Minute - 1),                              // one millisecond short of whole minutes at each end
            (m, m + 1),                                                               // one millisecond
        ];
    }

    /// <summary>Every metric × interval × range: the endpoint against the raw query and against <see cref="Expected"/>.</summary>
    private async Task AssertAggregatesExactAsync(HttpClient http, string serial, string deviceId, IReadOnlyList<Reading> sent,
        IReadOnlyList<(long From, long To)> ranges, string state, int minBuckets = 0)
    {
        var checkedBuckets = 0;
        foreach (var metric in Metrics)
            foreach (var (interval, ms) in Intervals)
                foreach (var (from, to) in ranges)
                {
                    if ((to - from) / ms > 10_000) continue;
                    var what = $"{state}: {metric} {interval} [{from}, {to})";
                    var api = await ApiAsync(http, serial, metric, interval, from, to);
                    var raw = (await Store.AggregateRawAsync(deviceId, metric, ms, from, to, CancellationToken.None))
                        .Select(b => new B(b.Ts, b.Avg, b.Min, b.Max, b.Count)).ToList();
                    AssertSame(raw, api, RawAvgTolerance, what + " vs raw query");
                    AssertSame(Expected(sent, metric, ms, from, to), api, 1e-9, what + " vs readings");
                    checkedBuckets += api.Count;
                }
        Assert.True(checkedBuckets >= minBuckets, $"{state}: only {checkedBuckets} buckets compared");
    }

    private async Task<string> DeviceIdAsync(string serial) =>
        (await Server.Services.GetRequiredService<DeviceStore>().FindForDeviceAuthAsync(serial, CancellationToken.None))!.Id;

    /// <summary>(rollup rows, readings they count) of one device.</summary>
    private async Task<(long Rows, long Values)> RollupsAsync(string deviceId)
    {
        await using var conn = await Db.OpenAsync();
        return await conn.QuerySingleAsync<(long, long)>(
            "SELECT COUNT(*), COALESCE(SUM(value_count), 0) FROM telemetry_rollup WHERE device_id = @deviceId", new { deviceId });
    }

    private async Task<long> WatermarkAsync()
    {
        await using var conn = await Db.OpenAsync();
        return await conn.ExecuteScalarAsync<long>("SELECT watermark FROM telemetry_rollup_state WHERE id = 1");
    }

    private async Task<long> MaxIdAsync()
    {
        await using var conn = await Db.OpenAsync();
        return await conn.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(id), 0) FROM telemetry");
    }

    private static long NumbersIn(IEnumerable<Reading> readings) => readings.Sum(r => r.Fields.Count(f => f.Value is long or double or bool)); // booleans count as 1 / 0

    [Fact]
    public async Task Aggregates_AreExact_WithNothingAllAndHalfRolledUp()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var id = await DeviceIdAsync(d.Serial);
        var rng = new Random(4_2024);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var (start, end) = (now - 3 * 3_600_000, now - 60_000);
        var ranges = Ranges(rng, start, end);
        var first = Generate(rng, 700, start, end);

        await PushAllAsync(org.Http, d.Serial, first);
        Assert.Equal((0L, 0L), await RollupsAsync(id));
        await AssertAggregatesExactAsync(org.Http, d.Serial, id, first, ranges, "nothing rolled up", 1_000);

        Assert.True(await Worker.RunOnceAsync(CancellationToken.None) >= first.Count);
        Assert.Equal(await MaxIdAsync(), await WatermarkAsync());
        Assert.Equal(NumbersIn(first), (await RollupsAsync(id)).Values);
        await AssertAggregatesExactAsync(org.Http, d.Serial, id, first, ranges, "all rolled up", 1_000);

        // More readings in the same hours: back-filled into minutes that are already rolled up.
        var second = Generate(rng, 400, start, end);
        await PushAllAsync(org.Http, d.Serial, second);
        var all = first.Concat(second).ToList();
        Assert.Equal(NumbersIn(first), (await RollupsAsync(id)).Values);
        await AssertAggregatesExactAsync(org.Http, d.Serial, id, all, ranges, "half rolled up", 1_000);
        Store.TailByIdsLimit = 0; // the other way to the rows above the watermark (SQLite: the device's index, not the ids)
        try
        {
            await AssertAggregatesExactAsync(org.Http, d.Serial, id, all, ranges, "half rolled up, tail by index", 1_000);
        }
        finally
        {
            Store.TailByIdsLimit = 10_000;
        }

        await Worker.RunOnceAsync(CancellationToken.None);
        Assert.Equal(NumbersIn(all), (await RollupsAsync(id)).Values);
        await AssertAggregatesExactAsync(org.Http, d.Serial, id, all, ranges, "all rolled up again", 1_000);
    }

    [Fact]
    public async Task HandComputedBuckets_OverRollupsAndRawRows()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var b = FloorMinute(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) / 300_000 * 300_000 - 3_600_000; // on a 5-minute boundary
        async Task Push(long ts, string fields) =>
            await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{{{fields}},"ts":{{ts}}}""").ExpectAsync(HttpStatusCode.OK);

        await Push(b + 1_000, "\"temp\":10");
        await Push(b + 20_000, "\"temp\":20,\"hum\":6");
        await Push(b + 30_000, "\"temp\":\"warm\"");
        await Push(b + 59_999, "\"temp\":31");
        await Worker.RunOnceAsync(CancellationToken.None);
        await Push(b + 40_000, "\"temp\":0.5");                    // late, into the rolled-up minute
        await Push(b + 60_000, "\"temp\":5");
        await Push(b + 180_500, "\"temp\":-1.5");

        var one = await ApiAsync(org.Http, d.Serial, "temp", "1m", b, b + 300_000);
        Assert.Equal(new[] { new B(b, 61.5 / 4, 0.5, 31, 4), new B(b + 60_000, 5, 5, 5, 1), new B(b + 180_000, -1.5, -1.5, -1.5, 1) }, one);
        // from inside the first minute: 20 and 31 (and the late 0.5) from raw rows, the rest of the range whole minutes.
        var partial = await ApiAsync(org.Http, d.Serial, "temp", "5m", b + 10_000, b + 180_501);
        Assert.Equal(new[] { new B(b, (20 + 0.5 + 31 + 5 - 1.5) / 5, -1.5, 31, 5) }, partial);
    }

    [Fact]
    public async Task Restart_KeepsWatermarkAndRollups_NothingCountedTwice()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var id = await DeviceIdAsync(d.Serial);
        var rng = new Random(7);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var (start, end) = (now - 2 * 3_600_000, now - 60_000);
        var ranges = Ranges(rng, start, end);
        var first = Generate(rng, 300, start, end);
        await PushAllAsync(org.Http, d.Serial, first);
        await Worker.RunOnceAsync(CancellationToken.None);
        await Worker.RunOnceAsync(CancellationToken.None); // a second pass finds nothing new
        var watermark = await WatermarkAsync();
        var rollups = await RollupsAsync(id);
        Assert.Equal(NumbersIn(first), rollups.Values);

        await fixture.RestartAsync();
        using var http = Server.Http(org.ApiKey);
        Assert.Equal(watermark, await WatermarkAsync());
        Assert.Equal(rollups, await RollupsAsync(id));
        Assert.Equal(0, await Worker.RunOnceAsync(CancellationToken.None));
        Assert.Equal(rollups, await RollupsAsync(id));
        await AssertAggregatesExactAsync(http, d.Serial, id, first, ranges, "after restart");

        var second = Generate(rng, 200, start, end);
        await PushAllAsync(http, d.Serial, second);
        // Two passes racing (as from two server instances): the store's optimistic check lets one of them commit each chunk.
        var rollupStore = Server.Services.GetRequiredService<TelemetryRollupStore>();
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => rollupStore.RollUpChunkAsync(long.MaxValue, 50, CancellationToken.None))));
        Assert.Contains(results, r => r.Committed && r.Rows > 0);
        await Worker.RunOnceAsync(CancellationToken.None);
        var all = first.Concat(second).ToList();
        Assert.Equal(NumbersIn(all), (await RollupsAsync(id)).Values);
        await AssertAggregatesExactAsync(http, d.Serial, id, all, ranges, "after restart, more rows and racing passes");
    }

    [Fact]
    public async Task Retention_PrunesRollupsOfWholeMinutes_AggregatesStayExact()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var id = await DeviceIdAsync(d.Serial);
        var t0 = FloorMinute(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) - 2 * 3_600_000;
        var readings = new[] { 10_000L, 50_000, 70_000, 130_000, 3_000_000 }
            .Select((offset, i) => new Reading(t0 + offset, [("temp", (long)(i + 1) * 10)])).ToList();
        await PushAllAsync(org.Http, d.Serial, readings);
        await Worker.RunOnceAsync(CancellationToken.None);
        var ranges = new List<(long, long)> { (t0 - Minute, t0 + 3_600_000), (t0 + 20_000, t0 + 100_000) };

        // A cutoff inside t0's minute is rounded down to t0: nothing of this device goes.
        Assert.Equal(0, await Store.PruneAsync(org.Id, t0 + 30_000, chunk: 1, CancellationToken.None));
        Assert.Equal((4L, 5L), await RollupsAsync(id)); // minutes t0 (two readings), t0+1, t0+2, t0+50
        await AssertAggregatesExactAsync(org.Http, d.Serial, id, readings, ranges, "cutoff inside the first minute");

        // A cutoff inside the second minute removes the first minute's two rows and its rollup (one row per chunk).
        Assert.Equal(2, await Store.PruneAsync(org.Id, t0 + Minute + 500, chunk: 1, CancellationToken.None));
        Assert.Equal((3L, 3L), await RollupsAsync(id));
        await AssertAggregatesExactAsync(org.Http, d.Serial, id, readings.Skip(2).ToList(), ranges, "first minute pruned");

        // Through the retention worker: readings of 8 days ago go, rows and rollups; the rest stays.
        var old = new Reading(DateTimeOffset.UtcNow.AddDays(-8).ToUnixTimeMilliseconds(), [("temp", 1L)]);
        using (var admin = await TestOrg.AdminAsync(Server)) // ingest refuses readings older than the retention: lengthen it for the push
        {
            await admin.PatchRawAsync($"orgs/{org.Id}", """{"telemetry_retention_days":30}""").ExpectAsync(HttpStatusCode.OK);
            await PushAllAsync(org.Http, d.Serial, [old]);
            await admin.PatchRawAsync($"orgs/{org.Id}", """{"telemetry_retention_days":7}""").ExpectAsync(HttpStatusCode.OK);
        }
        await Worker.RunOnceAsync(CancellationToken.None);
        Assert.Equal((4L, 4L), await RollupsAsync(id));
        await Server.Services.GetRequiredService<RetentionWorker>().PruneOnceAsync(CancellationToken.None);
        Assert.Equal((3L, 3L), await RollupsAsync(id));
        await AssertAggregatesExactAsync(org.Http, d.Serial, id, readings.Skip(2).ToList(),
            [(old.Ts - 3_600_000, old.Ts + 3_600_000), .. ranges], "after the retention worker");
    }

    [Fact]
    public async Task DeletingADevice_RemovesItsRollups()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var keep = await org.DeviceAsync();
        var (id, keepId) = (await DeviceIdAsync(d.Serial), await DeviceIdAsync(keep.Serial));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var readings = Generate(new Random(3), 50, now - 3_600_000, now - 60_000);
        await PushAllAsync(org.Http, d.Serial, readings);
        await PushAllAsync(org.Http, keep.Serial, readings);
        await Worker.RunOnceAsync(CancellationToken.None);
        Assert.Equal(NumbersIn(readings), (await RollupsAsync(id)).Values);

        await org.Http.DeleteAsync($"devices/{d.Serial}?force=true").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((0L, 0L), await RollupsAsync(id));
        Assert.Equal(NumbersIn(readings), (await RollupsAsync(keepId)).Values);
        await Worker.RunOnceAsync(CancellationToken.None);
        Assert.Equal((0L, 0L), await RollupsAsync(id));
    }
}

public sealed class RollupTests(SqliteRollupFixture fixture) : RollupTestsBase(fixture), IClassFixture<SqliteRollupFixture>;

public sealed class PostgresRollupTests(PostgresRollupFixture fixture) : RollupTestsBase(fixture), IClassFixture<PostgresRollupFixture>;
