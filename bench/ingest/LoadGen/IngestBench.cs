using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using static EdgeConductor.Bench.Ingest.Stats;

namespace EdgeConductor.Bench.Ingest;

/// <summary>
/// Durable ingest: K devices x M QoS 1 messages, W in flight per device. Against the server every PUBACK means
/// "committed"; afterwards every message is read back through the REST API. Against a plain broker (Mosquitto) the
/// same publishers run without REST (the consumer and its count are the caller's: mosquitto_sub -C N).
/// </summary>
internal static class IngestBench
{
    private const int WarmupPerDevice = 5;

    public static async Task<int> RunServerAsync(Target target, int devices, int messages, int window)
    {
        using var admin = await AdminSession.StartAsync(target, "ingest");
        var secrets = await admin.RegisterDevicesAsync("LOAD", devices);
        await RulesBench.CreateRulesAsync(admin); // BENCH_RULES=N (bench/rules): N enabled threshold rules in the org
        var clients = await ConnectAllAsync(secrets.Select(s => (Func<Task<MqttClient>>)(() => admin.ConnectDeviceAsync(s.Serial, s.Secret))));
        try
        {
            var topics = secrets.Select(s => $"devices/{s.Serial}/telemetry").ToArray();
            // Warm-up (JIT, connection buffers, first SQLite pages): a few readings per device without "seq", which the
            // check below ignores.
            await PublishAllAsync(clients, topics, WarmupPerDevice, window, (_, i) => $"{{\"temp\":21.{i},\"warm\":1}}", acceptNoSubscribers: false);

            var before = await WriterMetricsAsync(admin);
            var t0 = Stopwatch.GetTimestamp();
            var (latencies, failures) = await PublishAllAsync(clients, topics, messages, window, Payload, acceptNoSubscribers: false);
            var ackSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var after = await WriterMetricsAsync(admin);
            var (missing, duplicates, firstProblem) = await VerifyAsync(admin, secrets.Select(s => s.Serial).ToArray(), messages);
            var allSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;

            var total = (long)devices * messages;
            Console.WriteLine($"ingest target=server devices={devices} messages={total} window={window} failures={failures} " +
                              $"missing={missing} duplicates={duplicates} ack_s={F(ackSeconds)} verify_s={F(allSeconds - ackSeconds)} " +
                              $"acked_msgs_per_s={F(total / ackSeconds, 0)} acked_queryable_msgs_per_s={F(total / allSeconds, 0)} {Summary("puback_", latencies)} " +
                              $"writer_batches={after.Batches - before.Batches:F0} writer_avg_batch={F((after.Messages - before.Messages) / Math.Max(1, after.Batches - before.Batches), 1)} " +
                              $"writer_commit_s={F(after.CommitSeconds - before.CommitSeconds)}");
            if (failures > 0 || missing > 0 || duplicates > 0)
                throw new BenchFailure($"{failures} publishes failed, {missing} acknowledged messages are not queryable, {duplicates} stored twice; first: {firstProblem}");
            return 0;
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    public static async Task<int> RunBrokerAsync(int port, int devices, int messages, int window)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, devices).Select(d => $"LOAD-{run}-{d:D4}").ToArray();
        var clients = await ConnectAllAsync(ids.Select(id => (Func<Task<MqttClient>>)(async () =>
        {
            var c = new MqttClient(new MqttClientOptions { Host = "127.0.0.1", Port = port, ClientId = id });
            await c.ConnectAsync();
            return c;
        })));
        try
        {
            // Warm-up outside the consumer's filter (devices/+/telemetry), so its count stays exact.
            await PublishAllAsync(clients, ids.Select(id => $"warmup/{id}/telemetry").ToArray(), WarmupPerDevice, window,
                (_, i) => $"{{\"temp\":21.{i},\"warm\":1}}", acceptNoSubscribers: true);

            var startUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var t0 = Stopwatch.GetTimestamp();
            var (latencies, failures) = await PublishAllAsync(clients, ids.Select(id => $"devices/{id}/telemetry").ToArray(), messages, window, Payload, acceptNoSubscribers: false);
            var ackSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var total = (long)devices * messages;
            Console.WriteLine($"ingest target=broker devices={devices} messages={total} window={window} failures={failures} " +
                              $"ack_s={F(ackSeconds)} acked_msgs_per_s={F(total / ackSeconds, 0)} start_unix_ms={startUnixMs} {Summary("puback_", latencies)}");
            if (failures > 0) throw new BenchFailure($"{failures} publishes were not acknowledged with Success (is the consumer subscribed?)");
            return 0;
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    /// <summary>The group-commit writer's counters from /metrics: batches, messages in them, seconds spent committing.</summary>
    private static async Task<(double Batches, double Messages, double CommitSeconds)> WriterMetricsAsync(AdminSession admin)
    {
        var text = await admin.Http.GetStringAsync("metrics");
        double Value(string name)
        {
            var m = Regex.Match(text, "^" + Regex.Escape(name) + @"(\{[^}]*\})? (\S+)$", RegexOptions.Multiline);
            return m.Success ? double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : double.NaN;
        }
        return (Value("ec_telemetry_batch_size_count"), Value("ec_telemetry_batch_size_sum"), Value("ec_telemetry_commit_duration_seconds_sum"));
    }

    private static string Payload(int device, int i) =>
        $"{{\"temp\":{20 + i % 7}.5,\"hum\":{40 + i % 20},\"co2\":{800 + i},\"bat\":4.05,\"signal\":-61,\"seq\":{i}}}";

    private static async Task<MqttClient[]> ConnectAllAsync(IEnumerable<Func<Task<MqttClient>>> connects)
    {
        var list = connects.ToArray();
        var clients = new MqttClient[list.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, list.Length), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => clients[i] = await list[i]());
        return clients;
    }

    /// <summary>
    /// Every client publishes <paramref name="messages"/> QoS 1 messages with <paramref name="window"/> in flight: W loops per
    /// client, each awaiting its PUBACK before taking the next sequence number. Returns the PUBACK latencies (ms).
    /// </summary>
    private static async Task<(double[] Latencies, int Failures)> PublishAllAsync(MqttClient[] clients, string[] topics, int messages, int window,
        Func<int, int, string> payload, bool acceptNoSubscribers)
    {
        var latencies = new double[clients.Length * messages];
        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, clients.Length).Select(d => Task.Run(async () =>
        {
            var next = -1;
            var topic = topics[d];
            await Task.WhenAll(Enumerable.Range(0, window).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < messages)
                {
                    var bytes = Encoding.UTF8.GetBytes(payload(d, i));
                    var t = Stopwatch.GetTimestamp();
                    try
                    {
                        var rc = await clients[d].PublishAsync(topic, bytes, MqttQualityOfService.AtLeastOnce);
                        if (rc != MqttReasonCode.Success && !(acceptNoSubscribers && rc == MqttReasonCode.NoMatchingSubscribers))
                            Interlocked.Increment(ref failures);
                    }
                    catch (Exception ex) when (ex is MqttClientException or IOException or OperationCanceledException or InvalidOperationException)
                    {
                        Interlocked.Increment(ref failures);
                    }
                    latencies[d * messages + i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                }
            }));
        })));
        return (latencies, failures);
    }

    /// <summary>
    /// Reads each device's stored history (GET /devices/{serial}/telemetry?hours=1&amp;limit=100000, 4 requests at a time)
    /// and checks that seq 0..M-1 are each there exactly once. This counts stored rows, not a cached counter.
    /// </summary>
    private static async Task<(long Missing, long Duplicates, string? First)> VerifyAsync(AdminSession admin, string[] serials, int messages)
    {
        long missing = 0, duplicates = 0;
        string? first = null;
        await Parallel.ForEachAsync(serials, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (serial, ct) =>
        {
            using var response = await admin.Http.GetAsync($"api/v1/devices/{serial}/telemetry?hours=1&limit=100000", HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode) throw new BenchFailure($"history of {serial}: HTTP {(int)response.StatusCode}");
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var doc = await JsonDocument.ParseAsync(body, cancellationToken: ct);
            var seen = new int[messages];
            foreach (var row in doc.RootElement.EnumerateArray())
                if (row.TryGetProperty("seq", out var s) && s.TryGetInt32(out var i) && i >= 0 && i < messages) seen[i]++;
            var miss = seen.Count(n => n == 0);
            var dup = seen.Sum(n => Math.Max(0, n - 1));
            if (miss + dup == 0) return;
            Interlocked.Add(ref missing, miss);
            Interlocked.Add(ref duplicates, dup);
            Interlocked.CompareExchange(ref first, string.Create(CultureInfo.InvariantCulture, $"{serial}: {miss} missing, {dup} duplicated"), null);
        });
        return (missing, duplicates, first);
    }
}
