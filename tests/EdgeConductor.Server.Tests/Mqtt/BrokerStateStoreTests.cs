using System.Net;
using System.Text;
using Dapper;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Broker.Persistence;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Transport;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Mqtt;
using EdgeConductor.Server.Mqtt.Persistence;
using EdgeConductor.Server.Storage;
using EdgeConductor.Server.Storage.Migrations;
using EdgeConductor.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeConductor.Server.Tests.Mqtt;

/// <summary>
/// The broker on <see cref="SqlBrokerStateStore"/> (docs/mqtt-server.md, "Persistence"), on SQLite and PostgreSQL: a real
/// broker on a loopback listener with real MQTT clients is stopped and a new broker is started on the same database, as a
/// server restart does. Retained messages, persistent sessions with their subscriptions and queued QoS 1/2 messages come
/// back; acknowledged ones do not; expiry keeps counting across the restart; owners gone while the server was down get nothing.
/// </summary>
public abstract class BrokerStateStoreTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _running = [];
    private Database _db = null!;

    protected abstract Task<Database> CreateDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _db = await CreateDatabaseAsync();
        await new Migrator(_db, NullLogger<Migrator>.Instance).MigrateAsync(Schema.All);
    }

    public async Task DisposeAsync()
    {
        foreach (var r in _running) await r.DisposeAsync();
        await _db.DisposeAsync();
        await CleanUpAsync();
    }

    private sealed record Running(MqttBroker Broker, MqttTcpListener Listener) : IAsyncDisposable
    {
        public int Port => Listener.LocalEndPoint.Port;

        public async ValueTask DisposeAsync()
        {
            await Listener.DisposeAsync();
            await Broker.DisposeAsync();
        }
    }

    private SqlBrokerStateStore Store(bool allowAnonymous = false) =>
        new(_db, new BrokerOwnerCheck(new DeviceStore(_db, TimeProvider.System), new ApiKeyStore(_db, TimeProvider.System), new MqttServerOptions { AllowAnonymous = allowAnonymous }),
            NullLogger<SqlBrokerStateStore>.Instance);

    /// <summary>Starts a broker on the database (loading its state first), like a server start.</summary>
    private async Task<Running> StartAsync(TimeProvider? clock = null)
    {
        var broker = new MqttBroker(new MqttBrokerOptions { StateStore = Store(), TimeProvider = clock ?? TimeProvider.System });
        await broker.LoadStateAsync();
        var listener = new MqttTcpListener(broker, new IPEndPoint(IPAddress.Loopback, 0));
        listener.Start();
        var running = new Running(broker, listener);
        _running.Add(running);
        return running;
    }

    /// <summary>Stops a broker as a graceful shutdown does (connections closed, state saved) and disposes it.</summary>
    private async Task StopAsync(Running running)
    {
        await running.Broker.DisconnectAllAsync(TimeSpan.FromSeconds(3));
        await running.Broker.SaveStateAsync();
        _running.Remove(running);
        await running.DisposeAsync();
    }

    private static async Task<MqttClient> ConnectAsync(Running broker, string clientId, MqttProtocolVersion version, bool persistent, uint expiry = 600)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Port = broker.Port, ClientId = clientId, ProtocolVersion = version, CleanStart = !persistent,
            SessionExpiryInterval = persistent && version == MqttProtocolVersion.V500 ? expiry : 0, ResubscribeOnReconnect = false, KeepAliveSeconds = 60,
        });
        await client.ConnectAsync();
        return client;
    }

    private static async Task<MqttReceivedMessage> ReceiveAsync(MqttClient client)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await client.Messages.ReadAsync(cts.Token);
    }

    /// <summary>
    /// No message arrives within the window. The caller first proved the client receives (a control message arrived),
    /// so silence here means nothing was sent, not a broken listener. Window: 500 ms, far above loopback delivery time.
    /// </summary>
    private static async Task AssertNothingArrivesAsync(MqttClient client)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        try
        {
            var m = await client.Messages.ReadAsync(cts.Token);
            Assert.Fail($"Unexpected message on {m.Topic}: {Encoding.UTF8.GetString(m.Payload.Span)}");
        }
        catch (OperationCanceledException) { }
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Restart_PersistentSession_GetsSubscriptionsQueuedMessagesAndRetained(MqttProtocolVersion version)
    {
        var first = await StartAsync();
        var sub = await ConnectAsync(first, "keeper", version, persistent: true);
        await sub.SubscribeAsync("queue/#", MqttQualityOfService.ExactlyOnce);
        await sub.DisconnectAsync();
        await using (var pub = await ConnectAsync(first, "pub", version, persistent: false))
        {
            await pub.PublishAsync("state/r", "retained-1", MqttQualityOfService.AtLeastOnce, retain: true);
            for (var i = 0; i < 5; i++)
                Assert.Equal(MqttReasonCode.Success, await pub.PublishAsync("queue/a", $"m{i}", i % 2 == 0 ? MqttQualityOfService.AtLeastOnce : MqttQualityOfService.ExactlyOnce));
        }
        await StopAsync(first);

        var second = await StartAsync();
        await using var again = await ConnectAsync(second, "keeper", version, persistent: true);
        Assert.True(again.LastConnAck!.SessionPresent);
        for (var i = 0; i < 5; i++)
        {
            var m = await ReceiveAsync(again);
            Assert.Equal(("queue/a", $"m{i}"), (m.Topic, Encoding.UTF8.GetString(m.Payload.Span)));
            Assert.Equal(i % 2 == 0 ? MqttQualityOfService.AtLeastOnce : MqttQualityOfService.ExactlyOnce, m.QoS);
        }
        await using var reader = await ConnectAsync(second, "reader", version, persistent: false);
        await reader.SubscribeAsync("state/#", MqttQualityOfService.AtLeastOnce);
        var retained = await ReceiveAsync(reader);
        Assert.Equal(("state/r", "retained-1", true), (retained.Topic, Encoding.UTF8.GetString(retained.Payload.Span), retained.Retain));
        // The restored subscription routes new messages too.
        await second.Broker.PublishAsync(new MqttApplicationMessage("queue/b", "live"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        Assert.Equal("live", Encoding.UTF8.GetString((await ReceiveAsync(again)).Payload.Span));
    }

    [Fact]
    public async Task Restart_AcknowledgedMessagesAndDeletedRetained_DoNotComeBack()
    {
        var first = await StartAsync();
        var sub = await ConnectAsync(first, "acker", MqttProtocolVersion.V500, persistent: true);
        await sub.SubscribeAsync("q/#", MqttQualityOfService.AtLeastOnce);
        await first.Broker.PublishAsync(new MqttApplicationMessage("q/1", "delivered"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        Assert.Equal("delivered", Encoding.UTF8.GetString((await ReceiveAsync(sub)).Payload.Span));
        await first.Broker.PublishAsync(new MqttApplicationMessage("gone/r", "x"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: true));
        await first.Broker.PublishAsync(new MqttApplicationMessage("gone/r", ReadOnlyMemory<byte>.Empty, MqttQualityOfService.AtLeastOnce, retain: true));
        await TestWait.UntilAsync(async () => await CountAsync("mqtt_queue") == 0); // the PUBACK was recorded
        await sub.DisconnectAsync();
        await StopAsync(first);

        var second = await StartAsync();
        await using var again = await ConnectAsync(second, "acker", MqttProtocolVersion.V500, persistent: true);
        Assert.True(again.LastConnAck!.SessionPresent);
        await second.Broker.PublishAsync(new MqttApplicationMessage("q/control", "control"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        Assert.Equal("control", Encoding.UTF8.GetString((await ReceiveAsync(again)).Payload.Span)); // the first message after restart is the control
        await again.SubscribeAsync("gone/#", MqttQualityOfService.AtLeastOnce);
        await AssertNothingArrivesAsync(again);
        Assert.Equal(0, second.Broker.GetStatistics().RetainedMessages);
    }

    [Fact]
    public async Task Restart_SessionExpiryAndMessageExpiry_KeepCountingWhileDown()
    {
        var clock = new ManualTimeProvider();
        var first = await StartAsync(clock);
        var shortLived = await ConnectAsync(first, "short", MqttProtocolVersion.V500, persistent: true, expiry: 60);
        await shortLived.SubscribeAsync("t/#", MqttQualityOfService.AtLeastOnce);
        var longLived = await ConnectAsync(first, "long", MqttProtocolVersion.V500, persistent: true, expiry: 3600);
        await longLived.SubscribeAsync("t/#", MqttQualityOfService.AtLeastOnce);
        await shortLived.DisconnectAsync();
        await longLived.DisconnectAsync();
        await TestWait.UntilAsync(() => Task.FromResult(first.Broker.ConnectedClientCount == 0));
        await first.Broker.PublishAsync(new MqttApplicationMessage("t/expiring", "x"u8.ToArray(), MqttQualityOfService.AtLeastOnce,
            properties: new MqttProperties { MessageExpiryInterval = 30 }));
        await first.Broker.PublishAsync(new MqttApplicationMessage("t/lasting", "y"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        await StopAsync(first);

        clock.Advance(TimeSpan.FromSeconds(61)); // down for 61 s: past the 60 s session and the 30 s message expiry
        var second = await StartAsync(clock);
        Assert.Equal(1, second.Broker.GetStatistics().Sessions);
        await using var s = await ConnectAsync(second, "short", MqttProtocolVersion.V500, persistent: true, expiry: 60);
        Assert.False(s.LastConnAck!.SessionPresent);
        await using var l = await ConnectAsync(second, "long", MqttProtocolVersion.V500, persistent: true, expiry: 3600);
        Assert.True(l.LastConnAck!.SessionPresent);
        Assert.Equal("t/lasting", (await ReceiveAsync(l)).Topic); // the expired message was not restored ahead of it
        await AssertNothingArrivesAsync(l);
    }

    [Fact]
    public async Task Load_SessionsOfOwnersGoneWhileDown_AreDroppedAndDeleted()
    {
        await using (var conn = await _db.OpenAsync())
        {
            await conn.ExecuteAsync("INSERT INTO orgs (id, name, slug, plan, created_at, updated_at) VALUES ('org-1', 'O', 'o', 'free', 0, 0)");
        }
        var (_, device, _) = await new DeviceStore(_db, TimeProvider.System).RegisterAsync("SER-1", "EC-CLIMATE-V1", null, "org-1", CancellationToken.None);
        var live = new MqttSessionKey(MqttPrincipal.DeviceOwner(device.Id), "SER-1");
        var deleted = new MqttSessionKey(MqttPrincipal.DeviceOwner("no-such-device"), "SER-2");
        var anonymous = new MqttSessionKey(MqttPrincipal.AnonymousOwner, "tool");
        var store = Store(allowAnonymous: false);
        await store.ApplyAsync([
            .. new[] { live, deleted, anonymous }.SelectMany(k => new BrokerStateChange[]
            {
                new BrokerStateChange.SessionSaved(new StoredSession(k, 600, null)),
                new BrokerStateChange.SubscriptionSaved(new StoredSubscription(k, $"devices/{k.ClientId}/commands", 1, 0)),
                new BrokerStateChange.MessageQueued(new StoredQueuedMessage(k.ClientId.Length * 1000 + k.Owner.Length, k, [0x30, 0x03, 0x00, 0x01, 0x61], null, 1, false, [7], null)),
            }),
        ], CancellationToken.None);

        var snapshot = await store.LoadAsync(CancellationToken.None);

        Assert.Equal([live], snapshot.Sessions.Select(s => s.Key));
        Assert.Equal([live], snapshot.Subscriptions.Select(s => s.Key));
        Assert.Equal([7u], snapshot.Queued.Single(q => q.Key == live).SubscriptionIds!);
        Assert.Equal(1, await CountAsync("mqtt_sessions"));
        Assert.Equal(1, await CountAsync("mqtt_subscriptions"));
        Assert.Equal(1, await CountAsync("mqtt_queue"));
    }

    [Fact]
    public async Task CleanStart_DeletesTheStoredSession()
    {
        var first = await StartAsync();
        var sub = await ConnectAsync(first, "cleaner", MqttProtocolVersion.V500, persistent: true);
        await sub.SubscribeAsync("c/#", MqttQualityOfService.AtLeastOnce);
        await sub.DisconnectAsync();
        await first.Broker.PublishAsync(new MqttApplicationMessage("c/1", "q"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        Assert.Equal(1, await CountAsync("mqtt_queue"));
        await using var clean = await ConnectAsync(first, "cleaner", MqttProtocolVersion.V500, persistent: false);
        await TestWait.UntilAsync(async () => await CountAsync("mqtt_sessions") == 0);
        Assert.Equal(0, await CountAsync("mqtt_subscriptions"));
        Assert.Equal(0, await CountAsync("mqtt_queue"));
    }

    private async Task<long> CountAsync(string table)
    {
        await using var conn = await _db.OpenAsync();
        return await conn.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }
}

/// <summary>Polls a condition the code under test makes true asynchronously (a background batch write), up to 10 s.</summary>
internal static class TestWait
{
    public static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Condition not met within 10 s.");
            await Task.Delay(20);
        }
    }
}

public sealed class BrokerStateStoreTests_Sqlite : BrokerStateStoreTests
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ec-brokerstate-" + Guid.NewGuid().ToString("N")[..8]);

    protected override Task<Database> CreateDatabaseAsync() => Task.FromResult(Database.Create(_dir, ""));

    protected override Task CleanUpAsync()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}

[Collection(PostgresCollection.Name)]
public sealed class BrokerStateStoreTests_Postgres : BrokerStateStoreTests
{
    private string _cs = "";

    protected override async Task<Database> CreateDatabaseAsync()
    {
        _cs = await (await PostgresTestServer.GetAsync()).CreateDatabaseAsync("brokerstate");
        return Database.Create("unused", _cs);
    }

    protected override async Task CleanUpAsync() => await (await PostgresTestServer.GetAsync()).DropDatabaseAsync(_cs);
}
