using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Codec;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

public sealed class MalformedInputTests
{
    [Fact]
    public async Task Session_EachMalformedPacket_ClosesWithRightReasonCodeAndOthersUnaffected()
    {
        await using var test = TestBroker.Start(o => o.MaximumPacketSize = 65_536);
        var observer = await test.ConnectAsync("observer");
        await observer.SubscribeAsync("probe", MqttQualityOfService.AtLeastOnce);
        var publisher = await test.ConnectAsync("publisher");
        var failures = new List<string>();
        var i = 0;
        foreach (var c in MalformedCases.AfterConnect())
        {
            var (raw, ack) = await RawClient.ConnectAsync(test.Port, "bad-" + i++, c.Version);
            Assert.Equal(MqttReasonCode.Success, ack.ReasonCode);
            await raw.SendRawAsync(c.Bytes);
            var (closed, last) = await raw.WaitForCloseAsync(TimeSpan.FromSeconds(5));
            await raw.DisposeAsync();
            if (!closed)
            {
                failures.Add($"{c.Version} {c.Name}: not closed");
                continue;
            }

            if (c.Version == MqttProtocolVersion.V500)
            {
                if (last is not DisconnectPacket d || d.ReasonCode != c.Code)
                {
                    failures.Add($"{c.Name}: expected DISCONNECT {c.Code}, got {(last as DisconnectPacket)?.ReasonCode.ToString() ?? last?.Type.ToString() ?? "nothing"}");
                }
            }
            else if (last is not null)
            {
                failures.Add($"v3 {c.Name}: expected plain close, got {last.Type}");
            }
        }

        Assert.Empty(failures);

        // The healthy clients never noticed.
        Assert.Equal(MqttReasonCode.Success, await publisher.PublishAsync("probe", "still alive", MqttQualityOfService.AtLeastOnce));
        Assert.Equal("still alive", (await observer.ReceiveAsync()).Text());
        Assert.Empty(test.Errors);
    }

    [Fact]
    public async Task Connect_BadConnectPackets_ConnAckWithReasonOrClose()
    {
        await using var test = TestBroker.Start();
        var failures = new List<string>();
        foreach (var c in MalformedCases.BadConnects())
        {
            await using var raw = await RawClient.OpenAsync(test.Port, c.V5ConnAck ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311);
            await raw.SendRawAsync(c.Bytes);
            var (closed, last) = await raw.WaitForCloseAsync(TimeSpan.FromSeconds(5));
            if (!closed)
            {
                failures.Add($"{c.Name}: not closed");
            }
            else if (c.V5ConnAck && (last is not ConnAckPacket ack || ack.ReasonCode != c.Code))
            {
                failures.Add($"{c.Name}: expected CONNACK {c.Code}, got {last?.Type.ToString() ?? "nothing"}");
            }
            else if (c.Code == MqttReasonCode.UnsupportedProtocolVersion && (last is not ConnAckPacket v3Ack || v3Ack.ReasonCode != MqttReasonCode.UnsupportedProtocolVersion))
            {
                failures.Add($"{c.Name}: expected v3 CONNACK return code 1");
            }
            else if (!c.V5ConnAck && c.Code != MqttReasonCode.UnsupportedProtocolVersion && last is not null)
            {
                failures.Add($"{c.Name}: expected plain close, got {last.Type}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Connect_OversizedPacket_ClosedBeforeBodyIsBuffered()
    {
        await using var test = TestBroker.Start(o => o.MaximumPacketSize = 1024);
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "big", MqttProtocolVersion.V500);
        await using var _raw = raw;
        await raw.SendRawAsync([0x30, 0x80, 0x80, 0x80, 0x05]);
        var (closed, last) = await raw.WaitForCloseAsync(TimeSpan.FromSeconds(5));
        Assert.True(closed);
        Assert.Equal(MqttReasonCode.PacketTooLarge, Assert.IsType<DisconnectPacket>(last).ReasonCode);
    }
}
