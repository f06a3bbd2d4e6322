using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EdgeConductor.Mqtt.Protocol;
using static EdgeConductor.Bench.Ingest.Stats;

namespace EdgeConductor.Bench.Ingest;

/// <summary>
/// Query latency over 7 days of 5-second data of one device (120,960 readings, loaded over MQTT QoS 1 with explicit
/// ts): history of the last 168 h and 7-day aggregates at 1h, 5m and 1d, interleaved, after a warm-up.
/// </summary>
internal static class QueryBench
{
    private const int StepMs = 5_000;
    private const int Readings = 7 * 24 * 3600 / 5; // 120,960
    private const int LoadWindow = 256;
    private const int Warmup = 3;

    public static async Task<int> RunAsync(Target target, int requests)
    {
        using var admin = await AdminSession.StartAsync(target, "query");
        // Readings start just over 7 days ago; keep the retention worker (default 7 days) away from them.
        await admin.JsonAsync(await admin.Http.PatchAsJsonAsync($"api/v1/orgs/{admin.OrgId}", new { telemetry_retention_days = 30 }));
        var (serial, secret) = (await admin.RegisterDevicesAsync("QUERY", 1))[0];
        var end = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000) / StepMs * StepMs;
        var start = end - (long)(Readings - 1) * StepMs;

        await using (var client = await admin.ConnectDeviceAsync(serial, secret))
        {
            var topic = $"devices/{serial}/telemetry";
            var next = -1;
            var failures = 0;
            var t0 = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, LoadWindow).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < Readings)
                {
                    var temp = 21 + 3 * Math.Sin(i / 720.0);
                    var payload = string.Create(CultureInfo.InvariantCulture,
                        $"{{\"ts\":{start + (long)i * StepMs},\"temp\":{temp:F2},\"hum\":{40 + i % 20},\"co2\":{800 + i % 400},\"bat\":4.05,\"signal\":-61}}");
                    if (await client.PublishAsync(topic, Encoding.UTF8.GetBytes(payload), MqttQualityOfService.AtLeastOnce) != MqttReasonCode.Success)
                        Interlocked.Increment(ref failures);
                }
            })));
            var loadSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if (failures > 0) throw new BenchFailure($"{failures} of the 7-day readings were not acknowledged with Success");
            Console.WriteLine($"query_load readings={Readings} window={LoadWindow} seconds={F(loadSeconds)} acked_msgs_per_s={F(Readings / loadSeconds, 0)}");
        }

        string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var range = $"from={Iso(start)}&to={Iso(end + 1)}";
        var queries = new (string Name, string Path)[]
        {
            ("history_168h", $"api/v1/devices/{serial}/telemetry?hours=168&limit=200000"),
            ("aggregate_7d_1h", $"api/v1/devices/{serial}/telemetry/aggregate?metric=temp&interval=1h&{range}"),
            ("aggregate_7d_5m", $"api/v1/devices/{serial}/telemetry/aggregate?metric=temp&interval=5m&{range}"),
            ("aggregate_7d_1d", $"api/v1/devices/{serial}/telemetry/aggregate?metric=temp&interval=1d&{range}"),
        };

        // Every reading must be stored: the 1d buckets' counts add up to 120,960 (exact whatever the rollups hold).
        var counted = await CountAsync(admin, queries[3].Path);
        if (counted.Rows != Readings) throw new BenchFailure($"the 7-day aggregate counts {counted.Rows} readings, expected {Readings}");

        // Time the aggregates over rollups, not over rows still waiting for the rollup worker: wait until it has rolled up
        // every reading (its counter on /metrics; this server holds no other telemetry), then check the counts again.
        var caughtUp = await WaitForRollupsAsync(admin, Readings, TimeSpan.FromMinutes(5));
        counted = await CountAsync(admin, queries[3].Path);
        if (counted.Rows != Readings) throw new BenchFailure($"after the rollups the 7-day aggregate counts {counted.Rows} readings, expected {Readings}");
        Console.WriteLine($"query_rollup rows={Readings} caught_up_s_after_load={F(caughtUp.TotalSeconds)}");

        var samples = queries.Select(_ => new double[requests]).ToArray();
        var shape = new (long Items, long Count, long Bytes)[queries.Length];
        for (var q = 0; q < queries.Length; q++) shape[q] = await CountAsync(admin, queries[q].Path);
        for (var w = 0; w < Warmup; w++)
            foreach (var (_, path) in queries) await TimeAsync(admin, path);
        for (var r = 0; r < requests; r++) // interleaved, so the machine's noise falls on every query alike
            for (var q = 0; q < queries.Length; q++) samples[q][r] = await TimeAsync(admin, queries[q].Path);

        for (var q = 0; q < queries.Length; q++)
            Console.WriteLine($"query name={queries[q].Name} requests={requests} items={shape[q].Items} readings={shape[q].Count} bytes={shape[q].Bytes} {Summary("", samples[q])}");
        return 0;
    }

    /// <summary>Polls GET /metrics until ec_telemetry_rollup_rows_total reaches <paramref name="rows"/>; returns the time it took.</summary>
    private static async Task<TimeSpan> WaitForRollupsAsync(AdminSession admin, long rows, TimeSpan timeout)
    {
        const string Name = "ec_telemetry_rollup_rows_total";
        var t = Stopwatch.StartNew();
        while (true)
        {
            var text = await admin.Http.GetStringAsync("metrics");
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(Name, StringComparison.Ordinal));
            var done = line is not null && double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture) >= rows;
            if (done) return t.Elapsed;
            if (t.Elapsed > timeout) throw new BenchFailure($"the rollup worker did not roll up {rows} rows within {timeout} ({line ?? Name + " not on /metrics"})");
            await Task.Delay(200);
        }
    }

    private static async Task<double> TimeAsync(AdminSession admin, string path)
    {
        var t = Stopwatch.GetTimestamp();
        using var response = await admin.Http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
        var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        if (!response.IsSuccessStatusCode) throw new BenchFailure($"GET {path} -> {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return ms;
    }

    /// <summary>(array items, readings they cover: rows for history, the sum of bucket counts for aggregates, body bytes).</summary>
    private static async Task<(long Items, long Rows, long Bytes)> CountAsync(AdminSession admin, string path)
    {
        using var response = await admin.Http.GetAsync(path);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode) throw new BenchFailure($"GET {path} -> {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        using var doc = JsonDocument.Parse(bytes);
        long items = 0, rows = 0;
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            items++;
            rows += e.TryGetProperty("count", out var c) ? c.GetInt64() : 1;
        }
        return (items, rows, bytes.Length);
    }
}
