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
        Assert.IsType<PingRespPacket>(await raw.ReceiveAsync()); // the broker read the PINGREQ (activity) before answering
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
        await TestExtensions.WaitUntilAsync(() => test.Broker.OpenConnectionCount == 1, because: "the broker registered the connection (its connect timer starts)");
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.True((await raw.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Closed);
    }

    [Fact]
    public async Task Client_KeepAlivePings_KeepConnectionOpen()
    {
        // Broker and client share a fake clock. The client's only timer is its keep-alive delay (keepAlive / 2): each one it
        // creates means the previous PINGREQ was written; the broker then records it as activity before we move on.
        var time = new FakeTimeProvider();
        await using var test = TestBroker.Start(o => o.TimeProvider = time);
        Assert.Equal(test.Broker.Options.SweepInterval, await time.NextTimerAsync()); // the broker's own sweep timer
        var client = await test.ConnectAsync("pinger", MqttProtocolVersion.V500, o => { o.KeepAliveSeconds = 2; o.TimeProvider = time; });
        Assert.Equal(TimeSpan.FromSeconds(1), await time.NextTimerAsync());
        for (var i = 0; i < 6; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1)); // the client's delay fires: it pings
            Assert.Equal(TimeSpan.FromSeconds(1), await time.NextTimerAsync());
            var now = time.GetUtcNow().UtcTicks;
            await TestExtensions.WaitUntilAsync(() => test.Broker.LastActivityTicksOf("pinger") == now, because: "the broker read the PINGREQ");
        }

        // 6 s of fake time: twice the broker's limit of 1.5 x keep-alive (3 s) without any other traffic.
        Assert.True(client.IsConnected);
        Assert.Equal(1, test.Broker.ConnectedClientCount);
    }
}
