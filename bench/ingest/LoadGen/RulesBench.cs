using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeConductor.Mqtt.Protocol;
using static EdgeConductor.Bench.Ingest.Stats;

namespace EdgeConductor.Bench.Ingest;

/// <summary>
/// Rules engine benchmarks (issue 11, bench/rules/run.sh). <see cref="CreateRulesAsync"/>: with BENCH_RULES=N the ingest
/// case first creates N enabled threshold rules on the published field <c>temp</c> in the devices' org (never matching,
/// so every reading is evaluated against all N and nothing fires). <see cref="LatencyAsync"/>: one device subscribed to
/// its desired topic, a threshold rule with a clear action; alternating readings make it fire and clear; the time from
/// just before the PUBLISH to the device reading the action off its socket.
/// </summary>
internal static class RulesBench
{
    private const int Warmup = 10;

    public static async Task CreateRulesAsync(AdminSession admin)
    {
        var n = int.TryParse(Environment.GetEnvironmentVariable("BENCH_RULES"), out var v) ? v : 0;
        for (var i = 0; i < n; i++)
        {
            using var r = await admin.Http.PostAsJsonAsync($"api/v1/orgs/{admin.OrgId}/rules", new
            {
                name = $"bench {i}", rule_type = "threshold", condition = new { field = "temp", op = ">", value = 1000 + i },
                action = new { key = "fan", value = true },
            });
            if (!r.IsSuccessStatusCode) throw new BenchFailure($"creating rule {i} -> {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
        }
    }

    public static async Task<int> LatencyAsync(Target target, int samples)
    {
        using var admin = await AdminSession.StartAsync(target, "rules-latency");
        await CreateRulesAsync(admin);
        var (serial, secret) = (await admin.RegisterDevicesAsync("RULELAT", 1))[0];
        using (var r = await admin.Http.PostAsJsonAsync($"api/v1/orgs/{admin.OrgId}/rules", new
        {
            name = "latency", rule_type = "threshold", condition = new { field = "co2", op = ">", value = 1000 },
            action = new { key = "relay", value = true }, clear_action = new { key = "relay", value = false },
        }))
            if (!r.IsSuccessStatusCode) throw new BenchFailure($"creating the latency rule -> {(int)r.StatusCode}");

        var total = Warmup + samples;
        var pending = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var device = await admin.ConnectDeviceAsync(serial, secret);
        device.MessageReceived = m =>
        {
            var at = Stopwatch.GetTimestamp();
            Volatile.Read(ref pending).TrySetResult(at);
            return ValueTask.CompletedTask;
        };
        var rc = await device.SubscribeAsync($"devices/{serial}/shadow/desired", MqttQualityOfService.AtLeastOnce);
        if ((int)rc > 2) throw new BenchFailure($"subscribe refused: {rc}");
        var lat = new double[samples];
        for (var i = 0; i < total; i++)
        {
            Volatile.Write(ref pending, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
            var payload = JsonSerializer.SerializeToUtf8Bytes(new { co2 = i % 2 == 0 ? 1500 : 500 });
            var t0 = Stopwatch.GetTimestamp();
            await device.PublishAsync($"devices/{serial}/telemetry", payload, MqttQualityOfService.AtLeastOnce);
            long at;
            try
            {
                at = await pending.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                throw new BenchFailure($"the device did not receive the action for reading {i} within 10 s");
            }
            if (i >= Warmup) lat[i - Warmup] = Stopwatch.GetElapsedTime(t0, at).TotalMilliseconds;
        }
        Console.WriteLine($"rule_latency samples={samples} rules={Environment.GetEnvironmentVariable("BENCH_RULES") ?? "0"} {Summary("reading_to_action_", lat)}");
        return 0;
    }
}
