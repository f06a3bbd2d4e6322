using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

/// <summary><see cref="Mqtt.Broker.MqttBrokerOptions.MaximumKeepAlive"/>: MQTT 5.0 §3.2.2.3.14 Server Keep Alive, MQTT-3.1.2-24.</summary>
public sealed class KeepAliveCapTests
{
    [Theory]
    [InlineData((ushort)600)]
    [InlineData((ushort)0)]
    public async Task V5_AskingForMoreOrZero_GetsServerKeepAliveAndIsClosedAtIt(ushort requested)
    {
        var time = new FakeTimeProvider();
        await using var test = TestBroker.Start(o => { o.TimeProvider = time; o.MaximumKeepAlive = 20; });
        var (raw, ack) = await RawClient.ConnectAsync(test.Port, "greedy", MqttProtocolVersion.V500, keepAlive: requested);
        await using var _raw = raw;
        Assert.Equal((ushort)20, ack.Properties!.ServerKeepAlive);

        time.Advance(TimeSpan.FromSeconds(29)); // < 1.5 × 20 s
        await raw.SendAsync(PingReqPacket.Instance);
        Assert.IsType<PingRespPacket>(await raw.ReceiveAsync());
        time.Advance(TimeSpan.FromSeconds(31)); // > 1.5 × 20 s after the PINGREQ
        var (closed, last) = await raw.WaitForCloseAsync(TimeSpan.FromSeconds(5));
        Assert.True(closed);
        Assert.Equal(MqttReasonCode.KeepAliveTimeout, Assert.IsType<DisconnectPacket>(last).ReasonCode);
    }

    [Fact]
    public async Task V5_AskingForLess_KeepsItsOwnValue_NoServerKeepAlive()
    {
        var time = new FakeTimeProvider();
        await using var test = TestBroker.Start(o => { o.TimeProvider = time; o.MaximumKeepAlive = 20; });
        var (raw, ack) = await RawClient.ConnectAsync(test.Port, "modest", MqttProtocolVersion.V500, keepAlive: 10);
        await using var _raw = raw;
        Assert.Null(ack.Properties!.ServerKeepAlive);
        time.Advance(TimeSpan.FromSeconds(16)); // > 1.5 × 10 s
        Assert.True((await raw.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Closed);
    }

    [Theory]
    [InlineData((ushort)600)]
    [InlineData((ushort)0)]
    public async Task V311_AskingForMoreOrZero_IsEnforcedAtTheMaximum(ushort requested)
    {
        var time = new FakeTimeProvider();
        await using var test = TestBroker.Start(o => { o.TimeProvider = time; o.MaximumKeepAlive = 20; });
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "old", MqttProtocolVersion.V311, keepAlive: requested);
        await using var _raw = raw;
        time.Advance(TimeSpan.FromSeconds(29));
        await raw.SendAsync(PingReqPacket.Instance);
        Assert.IsType<PingRespPacket>(await raw.ReceiveAsync()); // still open just below 1.5 × the maximum
        time.Advance(TimeSpan.FromSeconds(31));
        var (closed, last) = await raw.WaitForCloseAsync(TimeSpan.FromSeconds(5));
        Assert.True(closed);
        Assert.Null(last); // 3.1.1 has no server DISCONNECT
    }
}
