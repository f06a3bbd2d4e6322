using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Codec;

public static partial class MqttPacketReader
{
    private static PublishPacket ReadPublish(ref MqttBodyReader reader, int flags, bool v5)
    {
        var qos = (flags >> 1) & 0x03;
        if (qos == 3)
        {
            MqttProtocolException.ThrowMalformed("PUBLISH QoS 3 is invalid.");
        }

        var dup = (flags & 0x08) != 0;
        if (dup && qos == 0)
        {
            MqttProtocolException.ThrowMalformed("DUP must be 0 for QoS 0 PUBLISH.");
        }

        var topic = reader.ReadString();
        if (topic.AsSpan().IndexOfAny('+', '#') >= 0)
        {
            MqttProtocolException.Throw(MqttReasonCode.TopicNameInvalid, "Topic name must not contain wildcards.");
        }

        var packet = new PublishPacket
        {
            Topic = topic,
            QoS = (MqttQualityOfService)qos,
            Dup = dup,
            Retain = (flags & 0x01) != 0,
        };
        if (qos > 0)
        {
            packet.PacketId = ReadPacketId(ref reader);
        }

        if (v5)
        {
            packet.Properties = ReadProperties(ref reader, MqttPacketType.Publish);
        }

        if (topic.Length == 0 && packet.Properties?.TopicAlias is null)
        {
            MqttProtocolException.Throw(v5 ? MqttReasonCode.ProtocolError : MqttReasonCode.TopicNameInvalid, "Empty topic name without a topic alias.");
        }

        var payload = reader.ReadToEnd();
        packet.Payload = payload.IsEmpty ? ReadOnlyMemory<byte>.Empty : payload.ToArray();
        return packet;
    }

    private static MqttAckPacket ReadAck(ref MqttBodyReader reader, MqttAckPacket packet, bool _, bool v5)
    {
        packet.PacketId = ReadPacketId(ref reader);
        if (v5 && !reader.End)
        {
            packet.ReasonCode = (MqttReasonCode)reader.ReadByte();
            if (!reader.End)
            {
                packet.Properties = ReadProperties(ref reader, packet.Type);
            }
        }

        return packet;
    }
}
