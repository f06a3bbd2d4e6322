using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

/// <summary>
/// A v5 DISCONNECT that is itself a protocol error (Session Expiry &gt; 0 after CONNECT with 0, MQTT-3.14.2-2) closes the
/// connection with 0x82 and, like any protocol error, publishes the will (MQTT 5.0 §3.1.2.5); Mosquitto does the same.
/// </summary>
public sealed class InvalidDisconnectWillTests
{
    [Fact]
    public async Task SessionExpiryOnDisconnectAfterZero_ProtocolError_WillPublished()
    {
        await using var test = TestBroker.Start();
        var watcher = await test.ConnectAsync("watcher");
        await watcher.SubscribeAsync("status/#");
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "dev", MqttProtocolVersion.V500, configure: c =>
            c.Will = new MqttWillMessage { Topic = "status/dev", Payload = "offline"u8.ToArray(), QoS = MqttQualityOfService.AtLeastOnce });
        await using var _raw = raw;

        await raw.SendAsync(new DisconnectPacket { ReasonCode = MqttReasonCode.Success, Properties = new MqttProperties { SessionExpiryInterval = 60 } });
        var (closed, last) = await raw.WaitForCloseAsync(TimeSpan.FromSeconds(5));
        Assert.True(closed);
        Assert.Equal(MqttReasonCode.ProtocolError, Assert.IsType<DisconnectPacket>(last).ReasonCode);
        Assert.Equal("offline", (await watcher.ReceiveAsync()).Text());
    }

    [Fact]
    public async Task ValidNormalDisconnect_WillStillDiscarded_Control()
    {
        // Control for the test above: the same client and the same listener, but a valid DISCONNECT: no will. A second
        // client's publish proves the listener works before the window.
        await using var test = TestBroker.Start();
        var watcher = await test.ConnectAsync("watcher");
        await watcher.SubscribeAsync("status/#");
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "dev", MqttProtocolVersion.V500, configure: c =>
            c.Will = new MqttWillMessage { Topic = "status/dev", Payload = "offline"u8.ToArray(), QoS = MqttQualityOfService.AtLeastOnce });
        await using var _raw = raw;
        await raw.SendAsync(new DisconnectPacket { ReasonCode = MqttReasonCode.Success });
        Assert.True((await raw.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Closed);
        var other = await test.ConnectAsync("other");
        await other.PublishAsync("status/control", "control", MqttQualityOfService.AtLeastOnce);
        Assert.Equal("control", (await watcher.ReceiveAsync()).Text());
        Assert.Null(await watcher.TryReceiveAsync(TimeSpan.FromMilliseconds(500))); // documented window after the control
    }
}
