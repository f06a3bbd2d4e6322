using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Tests.Codec;

public sealed class MalformedPacketTests
{
    public static TheoryData<string> AfterConnectNames => [.. MalformedCases.AfterConnect().Select(c => c.Version + ": " + c.Name)];

    public static TheoryData<string> ConnectNames => [.. MalformedCases.BadConnects().Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(AfterConnectNames))]
    public void Decode_MalformedPacket_ThrowsProtocolExceptionWithReasonCode(string name)
    {
        var c = MalformedCases.AfterConnect().Single(x => x.Version + ": " + x.Name == name);
        if (c.Code is MqttReasonCode.ProtocolError && (c.Name.Contains("from client") || c.Name.Contains("second connect") || c.Name.Contains("unknown topic alias") || c.Name.Contains("alias above")))
        {
            // Session-level rule: the packet itself decodes fine.
            _ = MqttPacketReader.ReadPacket(c.Bytes, c.Version);
            return;
        }

        if (c.Name.Contains("alias above"))
        {
            return;
        }

        var maximum = c.Code == MqttReasonCode.PacketTooLarge ? 65_536 : MqttPacketReader.ProtocolMaximumPacketSize;
        var ex = Assert.Throws<MqttProtocolException>(() => MqttPacketReader.ReadPacket(c.Bytes, c.Version, maximum));
        Assert.Equal(c.Code, ex.ReasonCode);
    }

    [Theory]
    [MemberData(nameof(ConnectNames))]
    public void Decode_BadConnect_ThrowsProtocolExceptionWithReasonCode(string name)
    {
        var c = MalformedCases.BadConnects().Single(x => x.Name == name);
        if (c.Name == "first packet not connect")
        {
            return;
        }

        var ex = Assert.Throws<MqttProtocolException>(() => MqttPacketReader.ReadPacket(c.Bytes, MqttProtocolVersion.Unknown));
        Assert.Equal(c.Code, ex.ReasonCode);
    }

    [Fact]
    public void Decode_OversizedRemainingLength_RejectedBeforeBodyArrives()
    {
        // Header announces 10 MB; only the fixed header is present. Limit must fire without waiting for the body.
        var header = new byte[] { 0x30, 0x80, 0x80, 0x80, 0x05 };
        var ex = Assert.Throws<MqttProtocolException>(() =>
        {
            var reader = new System.Buffers.SequenceReader<byte>(new System.Buffers.ReadOnlySequence<byte>(header));
            MqttPacketReader.TryReadPacket(ref reader, MqttProtocolVersion.V311, 1024 * 1024, out _);
        });
        Assert.Equal(MqttReasonCode.PacketTooLarge, ex.ReasonCode);
    }
}
