using System.Collections.Concurrent;
using System.Globalization;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Process.Tests.Security;
using Xunit.Abstractions;

namespace EdgeConductor.Process.Tests.Mqtt;

/// <summary>
/// Broker state across restarts of the real server process on SQLite (docs/mqtt-server.md, "Persistence"), with
/// mosquitto_sub persistent sessions (-c, 3.1.1 and 5.0) and mosquitto_pub / our client as publishers. After SIGTERM
/// everything is back; after kill -9, retained messages and subscriptions are back and every QoS 1 message the broker
/// acknowledged (PUBACK) for the offline session is delivered after the restart.
/// </summary>
public sealed class BrokerPersistenceProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Sandbox = new() { ["EC_MQTT_ALLOW_ANONYMOUS"] = "true" };
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "ec-mqttstate-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task GracefulRestart_PersistentMosquittoSub_GetsEveryQueuedMessageAndRetained(string version)
    {
        var ids = Enumerable.Range(0, 20).Select(i => $"g{i}").ToList();
        await using (var server = new ServerProcess(_dataDir, environment: Sandbox))
        {
            await server.StartAsync();
            await CreateOfflineSessionAsync(server, version, "ps-graceful");
            foreach (var id in ids.Take(10)) await MosquittoPubAsync(server, "sb/q", id, retain: false);
            await MosquittoPubAsync(server, "sb/state", "kept", retain: true);
            await using var client = await PublisherAsync(server);
            foreach (var id in ids.Skip(10))
                Assert.Equal(MqttReasonCode.Success, await client.PublishAsync("sb/q", id, MqttQualityOfService.AtLeastOnce));
            await client.DisconnectAsync();
            server.Terminate();
            Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }

        await using var restarted = new ServerProcess(_dataDir, environment: Sandbox);
        await restarted.StartAsync();
        using var sub = PersistentSub(restarted, version, "ps-graceful");
        foreach (var id in ids)
            Assert.True(await sub.WaitForAsync($"sb/q {id}", Patience), $"{id} missing after restart:\n{sub.Text}\nserver:\n{restarted.Output}");
        using var reader = new LineCollector("mosquitto_sub", ["-h", "127.0.0.1", "-p", Port(restarted), "-V", version, "-t", "sb/state", "-v", "-C", "1"]);
        Assert.True(await reader.WaitForAsync("sb/state kept", Patience), "retained message missing:\n" + reader.Text);
    }

    [Fact]
    public async Task KillNine_UnderLoad_EveryAcknowledgedQueuedMessageIsDeliveredAfterRestart()
    {
        var acked = new ConcurrentDictionary<string, byte>();
        await using (var server = new ServerProcess(_dataDir, environment: Sandbox))
        {
            await server.StartAsync();
            await CreateOfflineSessionAsync(server, "mqttv5", "ps-kill");
            await MosquittoPubAsync(server, "sb/state", "before-kill", retain: true);
            using var stop = new CancellationTokenSource();
            var publishers = Enumerable.Range(0, 2).Select(p => PublishLoopAsync(server, p, acked, stop.Token)).ToList();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (acked.Count < 600 && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.True(acked.Count >= 100, $"Too few PUBACKs before the kill ({acked.Count}):\n{server.Output}");
            server.KillHard(); // mid-stream: publishes are in flight
            await stop.CancelAsync();
            await Task.WhenAll(publishers);
        }

        await using var restarted = new ServerProcess(_dataDir, environment: Sandbox);
        await restarted.StartAsync();
        using var sub = PersistentSub(restarted, "mqttv5", "ps-kill");
        var missing = new List<string>();
        foreach (var id in acked.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            if (!await sub.WaitForAsync($"sb/q {id}", missing.Count == 0 ? Patience : TimeSpan.FromMilliseconds(1))) missing.Add(id);
        }
        output.WriteLine($"acknowledged before kill -9: {acked.Count}; missing after restart: {missing.Count}");
        Assert.True(missing.Count == 0, $"{missing.Count} of {acked.Count} acknowledged messages lost, e.g. {string.Join(", ", missing.Take(5))}");
        using var reader = new LineCollector("mosquitto_sub", ["-h", "127.0.0.1", "-p", Port(restarted), "-t", "sb/state", "-v", "-C", "1"]);
        Assert.True(await reader.WaitForAsync("sb/state before-kill", Patience), "retained message missing:\n" + reader.Text);
    }

    /// <summary>
    /// mosquitto_sub -c subscribes (QoS 1) and is then killed, so the session is offline with its subscription.
    /// </summary>
    private static async Task CreateOfflineSessionAsync(ServerProcess server, string version, string clientId)
    {
        using var sub = PersistentSub(server, version, clientId);
        Assert.True(await sub.WaitForAsync("Subscribed (mid: 1)", Patience), "subscribe failed:\n" + sub.Text);
    }

    private static LineCollector PersistentSub(ServerProcess server, string version, string clientId) =>
        new("mosquitto_sub", ["-h", "127.0.0.1", "-p", Port(server), "-V", version, "-c", "-i", clientId, "-q", "1", "-t", "sb/q", "-v", "-d",
            .. version == "mqttv5" ? new[] { "-x", "3600" } : []]);

    private static async Task MosquittoPubAsync(ServerProcess server, string topic, string payload, bool retain)
    {
        using var pub = new LineCollector("mosquitto_pub", ["-h", "127.0.0.1", "-p", Port(server), "-q", "1", "-t", topic, "-m", payload, .. retain ? new[] { "-r" } : []]);
        Assert.True(await pub.WaitForExitAsync(Patience), "mosquitto_pub did not finish:\n" + pub.Text);
    }

    private static async Task<MqttClient> PublisherAsync(ServerProcess server, int n = 0)
    {
        var client = new MqttClient(new MqttClientOptions { Host = "127.0.0.1", Port = server.MqttPort, ClientId = $"pub-{n}", ProtocolVersion = MqttProtocolVersion.V500 });
        await client.ConnectAsync();
        return client;
    }

    private static async Task PublishLoopAsync(ServerProcess server, int publisher, ConcurrentDictionary<string, byte> acked, CancellationToken ct)
    {
        await using var client = await PublisherAsync(server, publisher);
        var inflight = new List<Task>();
        try
        {
            for (var seq = 0; !ct.IsCancellationRequested; seq++)
            {
                var id = $"p{publisher}-{seq:D6}";
                inflight.Add(PublishOneAsync(client, id, acked));
                if (inflight.Count >= 16)
                {
                    await Task.WhenAny(inflight);
                    inflight.RemoveAll(t => t.IsCompleted);
                }
            }
        }
        catch (Exception) when (ct.IsCancellationRequested || !client.IsConnected) { }
        await Task.WhenAll(inflight);
    }

    private static async Task PublishOneAsync(MqttClient client, string id, ConcurrentDictionary<string, byte> acked)
    {
        try
        {
            if (await client.PublishAsync("sb/q", id, MqttQualityOfService.AtLeastOnce) == MqttReasonCode.Success) acked[id] = 0;
        }
        catch (Exception) { /* not acknowledged: allowed to be lost */ }
    }

    private static string Port(ServerProcess server) => server.MqttPort.ToString(CultureInfo.InvariantCulture);
}
