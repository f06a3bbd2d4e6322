using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Codec;

namespace EdgeConductor.Mqtt.Tests.Fuzz;

/// <summary>Produces random and mutated-valid packet bytes (deterministic per seed).</summary>
internal sealed class PacketMutator
{
    private readonly Random _random;
    private readonly byte[][] _corpus;

    public PacketMutator(int seed)
    {
        _random = new Random(seed);
        _corpus =
        [
            .. SamplePackets.All(MqttProtocolVersion.V311).Select(p => MqttPacketWriter.ToArray(p, MqttProtocolVersion.V311)).Where(b => b.Length < 4096),
            .. SamplePackets.All(MqttProtocolVersion.V500).Select(p => MqttPacketWriter.ToArray(p, MqttProtocolVersion.V500)).Where(b => b.Length < 4096),
            .. MalformedCases.AfterConnect().Select(c => c.Bytes).Where(b => b.Length < 4096),
        ];
    }

    public Random Random => _random;

    public byte[] Next()
    {
        var kind = _random.Next(10);
        if (kind == 0)
        {
            var garbage = new byte[_random.Next(1, 64)];
            _random.NextBytes(garbage);
            return garbage;
        }

        var data = _corpus[_random.Next(_corpus.Length)].ToList();
        var mutations = _random.Next(1, 4);
        for (var m = 0; m < mutations && data.Count > 0; m++)
        {
            var at = _random.Next(data.Count);
            switch (_random.Next(7))
            {
                case 0:
                    data[at] ^= (byte)(1 << _random.Next(8));
                    break;
                case 1:
                    data[at] = (byte)_random.Next(256);
                    break;
                case 2:
                    data.Insert(at, (byte)_random.Next(256));
                    break;
                case 3:
                    data.RemoveAt(at);
                    break;
                case 4:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 5:
                    // Corrupt the remaining length.
                    if (data.Count > 1)
                    {
                        data[1] = (byte)_random.Next(256);
                    }

                    break;
                default:
                    // Set a random header type/flags.
                    data[0] = (byte)_random.Next(256);
                    break;
            }
        }

        return [.. data];
    }
}
