using System.Buffers;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Codec;

namespace EdgeConductor.Mqtt.Tests.Fuzz;

public sealed class CodecFuzzTests
{
    [Fact]
    public void Decode_100kMutatedPackets_OnlyReturnsOrThrowsProtocolException()
    {
        var mutator = new PacketMutator(20261122);
        var outcomes = new int[3];
        for (var i = 0; i < 100_000; i++)
        {
            var bytes = mutator.Next();
            var version = (i & 1) == 0 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500;
            var split = bytes.Length > 1 ? mutator.Random.Next(1, bytes.Length) : 0;
            var reader = new SequenceReader<byte>(TestSequence.Create(bytes[..split], bytes[split..]));
            try
            {
                if (MqttPacketReader.TryReadPacket(ref reader, version, 1024 * 1024, out var packet))
                {
                    outcomes[0]++;

                    // Anything we accept must re-encode and decode to the same bytes.
                    var encoded = MqttPacketWriter.ToArray(packet!, version);
                    var again = MqttPacketReader.ReadPacket(encoded, version);
                    Assert.Equal(encoded, MqttPacketWriter.ToArray(again, version));
                }
                else
                {
                    outcomes[1]++;
                }
            }
            catch (MqttProtocolException)
            {
                outcomes[2]++;
            }
        }

        Assert.All(outcomes, o => Assert.True(o > 100, $"outcome distribution {string.Join('/', outcomes)}"));
    }
}
