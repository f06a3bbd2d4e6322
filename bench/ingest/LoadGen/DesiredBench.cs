using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeConductor.Mqtt.Protocol;
using static EdgeConductor.Bench.Ingest.Stats;

namespace EdgeConductor.Bench.Ingest;

/// <summary>
/// Desired-state delivery: one device connected and subscribed (QoS 1) to devices/{serial}/shadow/desired; sequential
/// PATCH /devices/{serial}/shadow/desired requests, each with a distinct value; the time from just before sending the
/// PATCH to the moment the device's client reads the matching publish off its socket, and the PATCH's HTTP latency alone.
/// </summary>
internal static class DesiredBench
{
    private const int Warmup = 10;

    public static async Task<int> RunAsync(Target target, int requests)
    {
        using var admin = await AdminSession.StartAsync(target, "desired");
        var (serial, secret) = (await admin.RegisterDevicesAsync("DESIRED", 1))[0];
        var total = Warmup + requests;
        var received = new TaskCompletionSource<long>[total];
        for (var i = 0; i < total; i++) received[i] = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var unexpected = 0;

        await using var device = await admin.ConnectDeviceAsync(serial, secret);
        // Runs on the client's read loop: timestamp first, then find which PATCH this is.
        device.MessageReceived = m =>
        {
            var at = Stopwatch.GetTimestamp();
            try
            {
                using var doc = JsonDocument.Parse(m.Payload);
                if (doc.RootElement.TryGetProperty("bench_n", out var n) && n.TryGetInt32(out var i) && i >= 0 && i < total)
                    received[i].TrySetResult(at);
                else Interlocked.Increment(ref unexpected);
            }
            catch (JsonException)
            {
                Interlocked.Increment(ref unexpected);
            }
            return ValueTask.CompletedTask;
        };
        var rc = await device.SubscribeAsync($"devices/{serial}/shadow/desired", MqttQualityOfService.AtLeastOnce);
        if ((int)rc > 2) throw new BenchFailure($"subscribe to the desired topic refused: {rc}");

        var e2e = new double[requests];
        var patch = new double[requests];
        for (var i = 0; i < total; i++)
        {
            var body = JsonContent.Create(new { setpoint = 18 + i % 80 * 0.1, bench_n = i });
            await body.LoadIntoBufferAsync(); // serialise before the clock starts
            var t0 = Stopwatch.GetTimestamp();
            using var response = await admin.Http.PatchAsync($"api/v1/devices/{serial}/shadow/desired", body);
            var patchMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (!response.IsSuccessStatusCode) throw new BenchFailure($"PATCH desired -> {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            long at;
            try
            {
                at = await received[i].Task.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                throw new BenchFailure($"the device did not receive desired patch {i} within 10 s");
            }
            if (i < Warmup) continue;
            e2e[i - Warmup] = Stopwatch.GetElapsedTime(t0, at).TotalMilliseconds;
            patch[i - Warmup] = patchMs;
        }

        var beforeResponse = Enumerable.Range(0, requests).Count(i => e2e[i] <= patch[i]);
        Console.WriteLine($"desired requests={requests} unexpected={unexpected} received_before_http_response={beforeResponse} " +
                          $"{Summary("delivery_", e2e)} {Summary("patch_http_", patch)}");
        return 0;
    }
}
