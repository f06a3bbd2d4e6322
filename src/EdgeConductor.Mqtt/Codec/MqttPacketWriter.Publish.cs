using System.Buffers;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Codec;

public static partial class MqttPacketWriter
{
    private static int PublishHeaderLength(PublishPacket p, bool v5)
    {
        var length = MqttSpanWriter.StringSize(p.Topic);
        if (p.QoS > 0)
        {
            length += 2;
        }

        if (v5)
        {
            length += PropertiesSize(p.Properties);
        }

        return length;
    }

    private static int WritePublish(IBufferWriter<byte> output, PublishPacket p, MqttProtocolVersion version)
    {
        var v5 = version == MqttProtocolVersion.V500;
        var headerPart = PublishHeaderLength(p, v5);
        var remaining = headerPart + p.Payload.Length;
        var fixedLength = 1 + MqttSpanWriter.VariableByteIntegerSize((uint)remaining);
        var payload = p.Payload.Span;

        // Small messages: one span for everything. Large ones: header first, then the payload in chunks.
        var wantAll = fixedLength + remaining <= 4096;
        var span = output.GetSpan(wantAll ? fixedLength + remaining : fixedLength + headerPart);
        var writer = new MqttSpanWriter(span);
        writer.WriteByte(FixedHeader(p));
        writer.WriteVariableByteInteger((uint)remaining);
        writer.WriteString(p.Topic);
        if (p.QoS > 0)
        {
            writer.WriteUInt16(p.PacketId);
        }

        if (v5)
        {
            WriteProperties(ref writer, p.Properties);
        }

        if (wantAll)
        {
            writer.WriteBytes(payload);
            output.Advance(writer.Position);
        }
        else
        {
            output.Advance(writer.Position);
            output.Write(payload);
        }

        return fixedLength + remaining;
    }
}
