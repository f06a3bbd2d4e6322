using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Topics;

namespace EdgeConductor.Mqtt.Codec;

public static partial class MqttPacketReader
{
    private static SubscribePacket ReadSubscribe(ref MqttBodyReader reader, bool _, bool v5)
    {
        var packet = new SubscribePacket { PacketId = ReadPacketId(ref reader) };
        if (v5)
        {
            packet.Properties = ReadProperties(ref reader, MqttPacketType.Subscribe);
        }

        if (reader.End)
        {
            MqttProtocolException.ThrowProtocolError("SUBSCRIBE must contain at least one topic filter.");
        }

        while (!reader.End)
        {
            var filter = reader.ReadString();
            var options = reader.ReadByte();
            var qos = options & 0x03;
            if (qos == 3)
            {
                MqttProtocolException.ThrowMalformed("Subscription QoS 3 is invalid.");
            }

            if (!v5 && (options & 0xFC) != 0)
            {
                MqttProtocolException.ThrowMalformed("SUBSCRIBE options reserved bits must be zero (3.1.1).");
            }

            if ((options & 0xC0) != 0)
            {
                MqttProtocolException.ThrowMalformed("SUBSCRIBE options reserved bits must be zero.");
            }

            var retainHandling = (options >> 4) & 0x03;
            if (retainHandling == 3)
            {
                MqttProtocolException.ThrowMalformed("Retain handling 3 is invalid.");
            }

            if (!MqttTopic.IsValidTopicFilter(filter))
            {
                MqttProtocolException.Throw(MqttReasonCode.TopicFilterInvalid, $"Invalid topic filter '{filter}'.");
            }

            var noLocal = (options & 0x04) != 0;
            if (noLocal && MqttTopic.IsShared(filter))
            {
                MqttProtocolException.ThrowProtocolError("No Local must not be set on a shared subscription.");
            }

            packet.Subscriptions.Add(new MqttTopicSubscription(
                filter,
                (MqttQualityOfService)qos,
                noLocal,
                (options & 0x08) != 0,
                (MqttRetainHandling)retainHandling));
        }

        return packet;
    }

    private static SubAckPacket ReadSubAck(ref MqttBodyReader reader, bool _, bool v5)
    {
        var packet = new SubAckPacket { PacketId = ReadPacketId(ref reader) };
        if (v5)
        {
            packet.Properties = ReadProperties(ref reader, MqttPacketType.SubAck);
        }

        while (!reader.End)
        {
            var code = reader.ReadByte();
            if (!v5 && code is > 2 and not 0x80)
            {
                MqttProtocolException.ThrowMalformed("Invalid SUBACK return code.");
            }

            packet.ReasonCodes.Add((MqttReasonCode)code);
        }

        return packet;
    }

    private static UnsubscribePacket ReadUnsubscribe(ref MqttBodyReader reader, bool _, bool v5)
    {
        var packet = new UnsubscribePacket { PacketId = ReadPacketId(ref reader) };
        if (v5)
        {
            packet.Properties = ReadProperties(ref reader, MqttPacketType.Unsubscribe);
        }

        if (reader.End)
        {
            MqttProtocolException.ThrowProtocolError("UNSUBSCRIBE must contain at least one topic filter.");
        }

        while (!reader.End)
        {
            var filter = reader.ReadString();
            if (!MqttTopic.IsValidTopicFilter(filter))
            {
                MqttProtocolException.Throw(MqttReasonCode.TopicFilterInvalid, $"Invalid topic filter '{filter}'.");
            }

            packet.Filters.Add(filter);
        }

        return packet;
    }

    private static UnsubAckPacket ReadUnsubAck(ref MqttBodyReader reader, bool _, bool v5)
    {
        var packet = new UnsubAckPacket { PacketId = ReadPacketId(ref reader) };
        if (v5)
        {
            packet.Properties = ReadProperties(ref reader, MqttPacketType.UnsubAck);
            while (!reader.End)
            {
                packet.ReasonCodes.Add((MqttReasonCode)reader.ReadByte());
            }
        }

        return packet;
    }
}
