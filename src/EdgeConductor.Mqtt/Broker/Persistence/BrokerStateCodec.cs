using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker.Persistence;

/// <summary>
/// How a stored message is encoded: an MQTT 5.0 PUBLISH packet (§3.3) holding the topic, payload, QoS, retain flag and the
/// properties forwarded to subscribers. The message expiry interval is left out (stored as an absolute time beside it),
/// so the format is the protocol's own and needs no second serializer.
/// </summary>
internal static class BrokerStateCodec
{
    public static byte[] Encode(MqttApplicationMessage message)
    {
        var properties = message.Properties;
        if (properties?.MessageExpiryInterval is not null)
        {
            properties = properties.Clone();
            properties.MessageExpiryInterval = null;
        }

        return MqttPacketWriter.ToArray(
            new PublishPacket
            {
                Topic = message.Topic,
                Payload = message.Payload,
                QoS = message.QoS,
                Retain = message.Retain,
                PacketId = message.QoS == MqttQualityOfService.AtMostOnce ? (ushort)0 : (ushort)1,
                Properties = properties,
            },
            MqttProtocolVersion.V500);
    }

    public static MqttApplicationMessage Decode(byte[] encoded, string? sender, long expiresAtTicks)
    {
        var packet = (PublishPacket)MqttPacketReader.ReadPacket(encoded, MqttProtocolVersion.V500);
        return new MqttApplicationMessage(packet.Topic, packet.Payload, packet.QoS, packet.Retain, packet.Properties)
        {
            SenderClientId = sender,
            ExpiresAtTicks = expiresAtTicks,
        };
    }

    public static long? ToUnixMs(long ticks) => ticks == 0 ? null : (ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    public static long ToTicks(long? unixMs) => unixMs is { } ms ? DateTime.UnixEpoch.Ticks + (ms * TimeSpan.TicksPerMillisecond) : 0;

    public static byte EncodeOptions(MqttTopicSubscription s) =>
        (byte)((int)s.QoS | (s.NoLocal ? 0x04 : 0) | (s.RetainAsPublished ? 0x08 : 0) | ((int)s.RetainHandling << 4));

    public static MqttTopicSubscription DecodeOptions(string filter, byte options) =>
        new(filter, (MqttQualityOfService)(options & 0x03), (options & 0x04) != 0, (options & 0x08) != 0, (MqttRetainHandling)((options >> 4) & 0x03));
}
