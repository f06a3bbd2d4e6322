using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Client;

public sealed class MqttClientTests
{
    [Fact]
    public async Task ServerDisconnect_V5_ReasonSurfacedToClient()
    {
        await using var test = TestBroker.Start();
        var client = await test.ConnectAsync("kicked");
        var reason = new TaskCompletionSource<MqttReasonCode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected = (code, _) => reason.TrySetResult(code);
        Assert.True(test.Broker.DisconnectClient("kicked"));
        Assert.Equal(MqttReasonCode.AdministrativeAction, await reason.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Publish_NotConnectedWithoutAutoReconnect_Throws()
    {
        await using var test = TestBroker.Start();
        var client = test.CreateClient("never-connected");
        await Assert.ThrowsAsync<MqttClientException>(() => client.PublishAsync("t", "x", MqttQualityOfService.AtLeastOnce));
    }

    [Fact]
    public async Task Connect_NoBroker_ThrowsServerUnavailable()
    {
        var client = new MqttClient(new MqttClientOptions { Port = 1, ClientId = "x", ConnectTimeout = TimeSpan.FromSeconds(2) });
        var ex = await Assert.ThrowsAsync<MqttClientException>(() => client.ConnectAsync());
        Assert.Equal(MqttReasonCode.ServerUnavailable, ex.ReasonCode);
    }

    [Fact]
    public async Task AutoReconnect_BrokerComesBackLater_ClientReconnectsWithBackoff()
    {
        // The client's only timers on this clock are its reconnect delays (keep-alive is off), so each one it creates is
        // the wait before the next attempt: min, doubling, capped at max, each plus up to 25 % jitter.
        var time = new FakeTimeProvider();
        await using var first = TestBroker.Start();
        var port = first.Port;
        var client = new MqttClient(new MqttClientOptions
        {
            Port = port,
            ClientId = "phoenix",
            AutoReconnect = true,
            KeepAliveSeconds = 0,
            ReconnectMinDelay = TimeSpan.FromSeconds(1),
            ReconnectMaxDelay = TimeSpan.FromSeconds(8),
            TimeProvider = time,
        });
        await using var _ = client;
        await client.ConnectAsync();
        await client.SubscribeAsync("p/#", MqttQualityOfService.AtLeastOnce);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connected = _ => reconnected.TrySetResult();

        await first.DisposeAsync(); // broker gone
        foreach (var seconds in new[] { 1, 2, 4, 8, 8 })
        {
            var wait = await time.NextTimerAsync();
            Assert.InRange(wait, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds * 1.25));
            Assert.False(client.IsConnected);
            time.Advance(wait); // the attempt runs now and fails: nothing listens on the port
        }

        var broker = new EdgeConductor.Mqtt.Broker.MqttBroker();
        await using var _b = broker;
        await using var listener = new EdgeConductor.Mqtt.Transport.MqttTcpListener(broker, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
        listener.Start();
        var last = await time.NextTimerAsync();
        Assert.InRange(last, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10));
        Assert.False(reconnected.Task.IsCompleted);
        time.Advance(last);
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await TestExtensions.WaitUntilAsync(() => broker.GetStatistics().Subscriptions == 1, because: "resubscribed on a fresh broker");
        await broker.PublishAsync(new EdgeConductor.Mqtt.Broker.MqttApplicationMessage("p/x", "back"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        Assert.Equal("back", (await client.ReceiveAsync()).Text());
    }
}
