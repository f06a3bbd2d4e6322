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
        await using var first = TestBroker.Start();
        var port = first.Port;
        var client = new MqttClient(new MqttClientOptions
        {
            Port = port,
            ClientId = "phoenix",
            AutoReconnect = true,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(400),
        });
        await using var _ = client;
        await client.ConnectAsync();
        await client.SubscribeAsync("p/#", MqttQualityOfService.AtLeastOnce);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connected = _ => reconnected.TrySetResult();

        await first.DisposeAsync(); // broker gone
        await TestExtensions.WaitUntilAsync(() => !client.IsConnected);
        await Task.Delay(300); // a few failed attempts

        var broker = new EdgeConductor.Mqtt.Broker.MqttBroker();
        await using var _b = broker;
        await using var listener = new EdgeConductor.Mqtt.Transport.MqttTcpListener(broker, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
        listener.Start();
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await TestExtensions.WaitUntilAsync(() => broker.GetStatistics().Subscriptions == 1, because: "resubscribed on a fresh broker");
        await broker.PublishAsync(new EdgeConductor.Mqtt.Broker.MqttApplicationMessage("p/x", "back"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        Assert.Equal("back", (await client.ReceiveAsync()).Text());
    }
}
