using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

public sealed class KeepAliveTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Silence_BeyondOneAndAHalfKeepAlive_Disconnects(MqttProtocolVersion version)
    {
        var time = new FakeTimeProvider();
        var hooks = new TestHooks();
        await using var test = TestBroker.Start(o => { o.TimeProvider = time; o.Hooks = hooks; });
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "sleepy", version, keepAlive: 10);
        await using var _raw = raw;

        time.Advance(TimeSpan.FromSeconds(14));
        await raw.SendAsync(PingReqPacket.Instance);
        Assert.IsType<PingRespPacket>(await raw.ReceiveAsync());
        await Task.Delay(50);
        time.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(1, test.Broker.ConnectedClientCount);

        time.Advance(TimeSpan.FromSeconds(2));
        var (closed, last) = await raw.WaitForCloseAsync(TimeSpan.FromSeconds(5));
        Assert.True(closed);
        if (version == MqttProtocolVersion.V500)
        {
            Assert.Equal(MqttReasonCode.KeepAliveTimeout, Assert.IsType<DisconnectPacket>(last).ReasonCode);
        }
        else
        {
            Assert.Null(last);
        }

        await TestExtensions.WaitUntilAsync(() => hooks.Disconnects.Contains(("sleepy", MqttDisconnectReason.KeepAliveTimeout)));
    }

    [Fact]
    public async Task ServerKeepAlive_OverridesClientValue()
    {
        var time = new FakeTimeProvider();
        await using var test = TestBroker.Start(o => { o.TimeProvider = time; o.ServerKeepAlive = 4; });
        var (raw, ack) = await RawClient.ConnectAsync(test.Port, "k", MqttProtocolVersion.V500, keepAlive: 600);
        await using var _raw = raw;
        Assert.Equal((ushort)4, ack.Properties!.ServerKeepAlive);
        time.Advance(TimeSpan.FromSeconds(7));
        Assert.True((await raw.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Closed);
    }

    [Fact]
    public async Task NoConnect_WithinConnectTimeout_Closed()
    {
        var time = new FakeTimeProvider();
        await using var test = TestBroker.Start(o => { o.TimeProvider = time; o.ConnectTimeout = TimeSpan.FromSeconds(5); });
        await using var raw = await RawClient.OpenAsync(test.Port);
        await TestExtensions.WaitUntilAsync(() => test.Listener.ConnectionCount == 1);
        await Task.Delay(100); // the connection registers with the broker asynchronously after accept
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.True((await raw.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Closed);
    }

    [Fact]
    public async Task Client_KeepAlivePings_KeepConnectionOpen()
    {
        await using var test = TestBroker.Start();
        var client = await test.ConnectAsync("pinger", MqttProtocolVersion.V500, o => o.KeepAliveSeconds = 1);
        await Task.Delay(2500);
        Assert.True(client.IsConnected);
        Assert.Equal(1, test.Broker.ConnectedClientCount);
    }
}
