using System.Buffers;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Tests.Codec;

public sealed class StreamSplitTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Decode_PublishSplitAtEveryByte_YieldsSamePacket(MqttProtocolVersion version)
    {
        var packet = new PublishPacket
        {
            Topic = "fleet/dev-42/telemetry",
            Payload = new byte[200],
            QoS = MqttQualityOfService.AtLeastOnce,
            PacketId = 513,
            Properties = version == MqttProtocolVersion.V500 ? new MqttProperties { ContentType = "application/json", UserProperties = [new("a", "b")] } : null,
        };
        var bytes = MqttPacketWriter.ToArray(packet, version);
        for (var split = 1; split < bytes.Length; split++)
        {
            var sequence = TestSequence.Create(bytes[..split], bytes[split..]);
            var reader = new SequenceReader<byte>(sequence);
            Assert.True(MqttPacketReader.TryReadPacket(ref reader, version, int.MaxValue, out var decoded), $"split {split}");
            Assert.True(reader.End);
            Assert.Equal(bytes, MqttPacketWriter.ToArray(decoded!, version));
        }
    }

    [Theory]
    [MemberData(nameof(CodecRoundTripTests.Cases), MemberType = typeof(CodecRoundTripTests))]
    public void Decode_EveryPacketInOneByteSegments_YieldsSamePacket(MqttProtocolVersion version, int index)
    {
        var packet = SamplePackets.All(version).ElementAt(index);
        var bytes = MqttPacketWriter.ToArray(packet, version);
        if (bytes.Length > 4096)
        {
            bytes = MqttPacketWriter.ToArray(new PublishPacket { Topic = "t", Payload = new byte[10] }, version);
        }

        var sequence = TestSequence.Create(bytes.Select(b => new[] { b }).ToArray());
        var reader = new SequenceReader<byte>(sequence);
        Assert.True(MqttPacketReader.TryReadPacket(ref reader, version, int.MaxValue, out var decoded));
        Assert.Equal(bytes, MqttPacketWriter.ToArray(decoded!, version));
    }

    [Fact]
    public void Decode_StreamOfPacketsFedIncrementally_ReturnsFalseUntilComplete()
    {
        var version = MqttProtocolVersion.V500;
        var packets = SamplePackets.All(version).Where(p => p is not ConnectPacket).ToList();
        var stream = packets.SelectMany(p => MqttPacketWriter.ToArray(p, version)).ToArray();
        var decoded = new List<MqttPacket>();
        var buffered = 0;
        var start = 0;
        var random = new Random(1234);
        while (start < stream.Length)
        {
            buffered = Math.Min(stream.Length - start, buffered + random.Next(1, 700));
            var available = stream.AsSpan(start, buffered).ToArray();
            var cut = random.Next(0, available.Length);
            var reader = new SequenceReader<byte>(TestSequence.Create(available[..cut], available[cut..]));
            while (MqttPacketReader.TryReadPacket(ref reader, version, int.MaxValue, out var packet))
            {
                decoded.Add(packet!);
            }

            start += (int)reader.Consumed;
            buffered -= (int)reader.Consumed;
        }

        Assert.Equal(packets.Count, decoded.Count);
        for (var i = 0; i < packets.Count; i++)
        {
            Assert.Equal(MqttPacketWriter.ToArray(packets[i], version), MqttPacketWriter.ToArray(decoded[i], version));
        }
    }

    [Fact]
    public void Decode_IncompleteRemainingLength_ReturnsFalseWithoutConsuming()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(new byte[] { 0x30, 0x80, 0x80 }));
        Assert.False(MqttPacketReader.TryReadPacket(ref reader, MqttProtocolVersion.V311, int.MaxValue, out _));
        Assert.Equal(0, reader.Consumed);
    }
}
