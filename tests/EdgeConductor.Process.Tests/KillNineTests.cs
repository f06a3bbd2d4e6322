using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using Xunit.Abstractions;

namespace EdgeConductor.Process.Tests;

/// <summary>
/// Acknowledged means stored: under MQTT QoS 1 and HTTPS load the server is killed with SIGKILL, restarted on the same
/// data directory, and every message that got a PUBACK or an HTTP 200 must be there — checked per path (MQTT and HTTP each
/// acknowledged messages before the kill, and each path's acknowledged messages are all there after the restart).
/// </summary>
public sealed class KillNineTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "ec-kill9-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    /// <param name="synchronous">EC_SQLITE_SYNCHRONOUS: "full" (the default) and "normal" both promise to survive a killed process.</param>
    [Theory]
    [InlineData("full")]
    [InlineData("normal")]
    public async Task KillNine_UnderMqttAndHttpLoad_EveryAcknowledgedMessageSurvivesRestart(string synchronous)
    {
        string apiKey, secret;
        var acked = new ConcurrentDictionary<string, byte>();
        await using (var server = new ServerProcess(_dataDir, synchronous))
        {
            await server.StartAsync();
            (apiKey, secret) = await ProvisionAsync(server);

            using var stop = new CancellationTokenSource();
            var publishers = Enumerable.Range(0, 4).Select(p => PublishLoopAsync(server, secret, p, acked, stop.Token)).ToList();
            publishers.Add(HttpLoopAsync(server, secret, acked, stop.Token));

            // Let the load build up on BOTH paths, then pull the plug mid-stream. Each path is counted on its own: together,
            // a path that acknowledged nothing (or lost everything it acknowledged) would hide behind the other's numbers.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((Count(acked, Mqtt) < 1_500 || Count(acked, Http) < 50) && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.True(Count(acked, Mqtt) >= 200, $"Too few MQTT PUBACKs before the kill ({Count(acked, Mqtt)}); server output:\n{server.Output}");
            Assert.True(Count(acked, Http) >= 20, $"Too few HTTP 200s before the kill ({Count(acked, Http)}); server output:\n{server.Output}");
            server.KillHard();
            await stop.CancelAsync();
            // PUBACKs already on the wire may still be counted after the kill; every one was sent by the live process.
            await Task.WhenAll(publishers);
        }

        await using (var restarted = new ServerProcess(_dataDir, synchronous))
        {
            await restarted.StartAsync();
            using var http = Client(restarted, apiKey); // the API key created before the kill still works
            var records = await http.GetFromJsonAsync<JsonElement[]>("api/v1/devices/KILL-1/telemetry?hours=1&limit=100000");
            var stored = records!.Select(r => $"{r.GetProperty("src").GetString()}:{r.GetProperty("seq").GetInt64()}").ToHashSet();
            foreach (var path in new[] { Mqtt, Http })
            {
                var ackedOnPath = acked.Keys.Where(path).ToList();
                var lost = ackedOnPath.Where(k => !stored.Contains(k)).ToList();
                var name = path == Mqtt ? "MQTT" : "HTTP";
                output.WriteLine($"{name}: acknowledged before kill: {ackedOnPath.Count}; stored after restart: {stored.Count(path)}; lost: {lost.Count}");
                Assert.True(ackedOnPath.Count > 0, $"no {name} message was acknowledged");
                Assert.True(lost.Count == 0, $"{lost.Count} of {ackedOnPath.Count} acknowledged {name} messages were lost, e.g. {string.Join(", ", lost.Take(5))}");
            }
            // Nothing is stored twice under one identity either (each message was published once).
            Assert.Equal(stored.Count, records!.Length);
        }
    }

    /// <summary>Acknowledged ids are "mqtt{publisher}:{seq}" (PUBACK) and "http:{seq}" (HTTP 200).</summary>
    private static readonly Func<string, bool> Mqtt = id => id.StartsWith("mqtt", StringComparison.Ordinal);

    private static readonly Func<string, bool> Http = id => id.StartsWith("http:", StringComparison.Ordinal);

    private static int Count(ConcurrentDictionary<string, byte> acked, Func<string, bool> path) => acked.Keys.Count(path);

    private static async Task<(string ApiKey, string Secret)> ProvisionAsync(ServerProcess server)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        var login = await (await http.PostAsJsonAsync("api/v1/auth/login", new { email = ServerProcess.AdminEmail, password = ServerProcess.AdminPassword }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("access_token").GetString());
        var org = await (await http.PostAsJsonAsync("api/v1/orgs", new { name = "Kill Nine", plan = "enterprise" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var key = await (await http.PostAsJsonAsync($"api/v1/orgs/{org.GetProperty("id").GetString()}/api-keys", new { name = "k9" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var apiKey = key.GetProperty("key").GetString()!;
        using var keyed = Client(server, apiKey);
        var device = await (await keyed.PostAsJsonAsync("api/v1/devices/register", new { serial_no = "KILL-1", product_type = "EC-CLIMATE-V1" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        return (apiKey, device.GetProperty("device_secret").GetString()!);
    }

    private static HttpClient Client(ServerProcess server, string apiKey)
    {
        var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    private static async Task PublishLoopAsync(ServerProcess server, string secret, int publisher, ConcurrentDictionary<string, byte> acked, CancellationToken ct)
    {
        await using var client = new MqttClient(new MqttClientOptions
        {
            Host = "127.0.0.1", Port = server.MqttPort, ClientId = $"k9-{publisher}", UserName = "KILL-1", Password = Encoding.UTF8.GetBytes(secret),
            ProtocolVersion = publisher % 2 == 0 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311,
        });
        await client.ConnectAsync(ct);
        var inflight = new List<Task>();
        try
        {
            for (long seq = 0; !ct.IsCancellationRequested; seq++)
            {
                var id = $"mqtt{publisher}:{seq}";
                inflight.Add(PublishOneAsync(client, id, publisher, seq, acked));
                if (inflight.Count >= 32) // keep a window of QoS 1 messages in flight, as a real device fleet would
                {
                    await Task.WhenAny(inflight);
                    inflight.RemoveAll(t => t.IsCompleted);
                }
            }
        }
        catch (Exception) when (ct.IsCancellationRequested || !client.IsConnected) { }
        await Task.WhenAll(inflight);
    }

    private static async Task PublishOneAsync(MqttClient client, string id, int publisher, long seq, ConcurrentDictionary<string, byte> acked)
    {
        try
        {
            var payload = $"{{\"src\":\"mqtt{publisher}\",\"seq\":{seq},\"temp\":{20 + seq % 10}}}";
            var rc = await client.PublishAsync("devices/KILL-1/telemetry", payload, MqttQualityOfService.AtLeastOnce);
            if (rc == MqttReasonCode.Success) acked[id] = 0;
        }
        catch (Exception) { /* not acknowledged: allowed to be lost */ }
    }

    private static async Task HttpLoopAsync(ServerProcess server, string secret, ConcurrentDictionary<string, byte> acked, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Add("X-Device-Secret", secret);
        for (long seq = 0; !ct.IsCancellationRequested; seq++)
        {
            try
            {
                var body = new StringContent($"{{\"src\":\"http\",\"seq\":{seq},\"hum\":50}}", Encoding.UTF8, "application/json");
                var res = await http.PostAsync("api/v1/devices/KILL-1/telemetry", body, ct);
                if (res.IsSuccessStatusCode) acked[$"http:{seq}"] = 0;
            }
            // After the kill a request fails with "connection refused"; whether the test has cancelled yet is a race,
            // so any failure once cancelled ends the loop, and one before it is retried (not acknowledged: may be lost).
            catch (Exception) when (ct.IsCancellationRequested) { }
            catch (Exception) { await Task.Delay(10, CancellationToken.None); }
        }
    }
}
