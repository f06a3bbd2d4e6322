using System.Buffers;
using BenchmarkDotNet.Attributes;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Benchmarks;

/// <summary>Decode/encode of PUBLISH and CONNECT, contiguous and split across segments.</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private PublishPacket _publish = null!;
    private ConnectPacket _connect = null!;
    private ReadOnlySequence<byte> _publishSingle;
    private ReadOnlySequence<byte> _publishMulti;
    private ReadOnlySequence<byte> _connectSingle;
    private ReadOnlySequence<byte> _connectMulti;

    [Params(MqttProtocolVersion.V311, MqttProtocolVersion.V500)]
    public MqttProtocolVersion Version { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var v5 = Version == MqttProtocolVersion.V500;
        _publish = new PublishPacket
        {
            Topic = "fleet/site-12/device-000042/telemetry",
            Payload = "{\"device\":\"dev-42\",\"seq\":123456,\"temp\":21.5,\"ok\":true}"u8.ToArray(),
            QoS = MqttQualityOfService.AtLeastOnce,
            PacketId = 4242,
            Properties = v5 ? new MqttProperties { ContentType = "application/json", MessageExpiryInterval = 60 } : null,
        };
        _connect = new ConnectPacket
        {
            ProtocolVersion = Version,
            ClientId = "device-000042",
            KeepAlive = 60,
            CleanStart = false,
            UserName = "device-000042",
            Password = "s3cr3t-token-value-0123456789"u8.ToArray(),
            Will = new MqttWillMessage { Topic = "fleet/site-12/device-000042/status", Payload = "offline"u8.ToArray(), QoS = MqttQualityOfService.AtLeastOnce, Retain = true },
            Properties = v5 ? new MqttProperties { SessionExpiryInterval = 3600, ReceiveMaximum = 100 } : null,
        };
        var publishBytes = MqttPacketWriter.ToArray(_publish, Version);
        var connectBytes = MqttPacketWriter.ToArray(_connect, Version);
        _publishSingle = new ReadOnlySequence<byte>(publishBytes);
        _publishMulti = Split(publishBytes, 3);
        _connectSingle = new ReadOnlySequence<byte>(connectBytes);
        _connectMulti = Split(connectBytes, 3);
    }

    [Benchmark]
    public MqttPacket? DecodePublish() => Decode(_publishSingle);

    [Benchmark]
    public MqttPacket? DecodePublishMultiSegment() => Decode(_publishMulti);

    [Benchmark]
    public MqttPacket? DecodeConnect() => Decode(_connectSingle);

    [Benchmark]
    public MqttPacket? DecodeConnectMultiSegment() => Decode(_connectMulti);

    [Benchmark]
    public int EncodePublish()
    {
        _output.ResetWrittenCount();
        return MqttPacketWriter.Write(_output, _publish, Version);
    }

    [Benchmark]
    public int EncodeConnect()
    {
        _output.ResetWrittenCount();
        return MqttPacketWriter.Write(_output, _connect, Version);
    }

    private MqttPacket? Decode(ReadOnlySequence<byte> sequence)
    {
        var reader = new SequenceReader<byte>(sequence);
        MqttPacketReader.TryReadPacket(ref reader, Version, 1024 * 1024, out var packet);
        return packet;
    }

    private static ReadOnlySequence<byte> Split(byte[] bytes, int parts)
    {
        var size = (bytes.Length + parts - 1) / parts;
        Segment? first = null, last = null;
        for (var offset = 0; offset < bytes.Length; offset += size)
        {
            var chunk = bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset));
            var segment = new Segment(chunk, offset);
            if (first is null)
            {
                first = segment;
            }
            else
            {
                last!.SetNext(segment);
            }

            last = segment;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
