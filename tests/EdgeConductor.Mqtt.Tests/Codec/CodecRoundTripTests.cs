using System.Buffers;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Tests.Codec;

public sealed class CodecRoundTripTests
{
    public static TheoryData<MqttProtocolVersion, int> Cases => SamplePackets.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void EncodeDecode_EveryPacketType_RoundTripsByteForByte(MqttProtocolVersion version, int index)
    {
        var packet = SamplePackets.All(version).ElementAt(index);
        var bytes = MqttPacketWriter.ToArray(packet, version);

        var decoded = MqttPacketReader.ReadPacket(bytes, version);

        Assert.Equal(packet.GetType(), decoded.GetType());
        Assert.Equal(bytes, MqttPacketWriter.ToArray(decoded, version));
        Assert.Equal(bytes.Length, MqttPacketWriter.GetSize(packet, version));
    }

    [Fact]
    public void Decode_AllPacketTypesCovered_InBothVersions()
    {
        var v3 = SamplePackets.All(MqttProtocolVersion.V311).Select(p => p.Type).Distinct().Count();
        var v5 = SamplePackets.All(MqttProtocolVersion.V500).Select(p => p.Type).Distinct().Count();
        Assert.Equal(14, v3);
        Assert.Equal(15, v5);
    }

    [Fact]
    public void Decode_PublishV5_ExposesAllProperties()
    {
        var packet = (PublishPacket)SamplePackets.All(MqttProtocolVersion.V500).Single(p => p is PublishPacket { QoS: MqttQualityOfService.ExactlyOnce });
        var decoded = (PublishPacket)MqttPacketReader.ReadPacket(MqttPacketWriter.ToArray(packet, MqttProtocolVersion.V500), MqttProtocolVersion.V500);

        Assert.True(decoded.Dup);
        Assert.Equal(65535, decoded.PacketId);
        Assert.Equal(20_000, decoded.Payload.Length);
        Assert.Equal((byte)1, decoded.Properties!.PayloadFormatIndicator);
        Assert.Equal([1u, 268_435_455u], decoded.Properties.SubscriptionIdentifiers!);
        Assert.Equal("reply/here", decoded.Properties.ResponseTopic);
        Assert.Equal(new byte[] { 1, 2, 3 }, decoded.Properties.CorrelationData!.Value.ToArray());
    }

    [Fact]
    public void Decode_ConnectV5_ExposesWillAndCredentials()
    {
        var packet = (ConnectPacket)SamplePackets.All(MqttProtocolVersion.V500).ElementAt(1);
        var decoded = (ConnectPacket)MqttPacketReader.ReadPacket(MqttPacketWriter.ToArray(packet, MqttProtocolVersion.V500), MqttProtocolVersion.Unknown);

        Assert.Equal(MqttProtocolVersion.V500, decoded.ProtocolVersion);
        Assert.Equal("dévice-ü", decoded.ClientId);
        Assert.Equal("user", decoded.UserName);
        Assert.Equal("secret"u8.ToArray(), decoded.Password!.Value.ToArray());
        Assert.Equal(5u, decoded.Will!.Properties!.WillDelayInterval);
        Assert.True(decoded.Will.Retain);
        Assert.Equal(2, decoded.Properties!.UserProperties!.Count);
    }

    [Fact]
    public void Decode_V311ConnAckReturnCodes_MapToReasonCodes()
    {
        var bytes = new byte[] { 0x20, 0x02, 0x00, 0x04 };
        var ack = (ConnAckPacket)MqttPacketReader.ReadPacket(bytes, MqttProtocolVersion.V311);
        Assert.Equal(MqttReasonCode.BadUserNameOrPassword, ack.ReasonCode);

        var encoded = MqttPacketWriter.ToArray(new ConnAckPacket { ReasonCode = MqttReasonCode.NotAuthorized }, MqttProtocolVersion.V311);
        Assert.Equal(new byte[] { 0x20, 0x02, 0x00, 0x05 }, encoded);
    }

    [Fact]
    public void Encode_IntoPipeWriterSizedBuffer_WritesLargePublishAcrossSegments()
    {
        var writer = new ArrayBufferWriter<byte>(16);
        var packet = new PublishPacket { Topic = "big", Payload = new byte[200_000], QoS = MqttQualityOfService.AtLeastOnce, PacketId = 9 };
        var written = MqttPacketWriter.Write(writer, packet, MqttProtocolVersion.V311);
        Assert.Equal(written, writer.WrittenCount);
        var decoded = (PublishPacket)MqttPacketReader.ReadPacket(writer.WrittenSpan, MqttProtocolVersion.V311);
        Assert.Equal(200_000, decoded.Payload.Length);
    }

    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(127, new byte[] { 0x7F })]
    [InlineData(128, new byte[] { 0x80, 0x01 })]
    [InlineData(16_383, new byte[] { 0xFF, 0x7F })]
    [InlineData(16_384, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(2_097_151, new byte[] { 0xFF, 0xFF, 0x7F })]
    [InlineData(2_097_152, new byte[] { 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(268_435_455, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F })]
    public void Encode_RemainingLength_UsesMinimalVariableByteInteger(int value, byte[] expected)
    {
        var buffer = new byte[4];
        var writer = new MqttSpanWriter(buffer);
        writer.WriteVariableByteInteger((uint)value);
        Assert.Equal(expected, buffer[..writer.Position]);
        Assert.Equal(expected.Length, MqttSpanWriter.VariableByteIntegerSize((uint)value));
    }
}
