using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Topics;

namespace EdgeConductor.Mqtt.Codec;

public static partial class MqttPacketReader
{
    private static ConnectPacket ReadConnect(ref MqttBodyReader reader, bool _)
    {
        var protocolName = reader.ReadBinary();
        var level = reader.ReadByte();
        if (protocolName.SequenceEqual("MQIsdp"u8) && level == 3)
        {
            MqttProtocolException.Throw(MqttReasonCode.UnsupportedProtocolVersion, "MQTT 3.1 (MQIsdp) is not supported.");
        }

        if (!protocolName.SequenceEqual("MQTT"u8))
        {
            MqttProtocolException.ThrowProtocolError("Protocol name must be 'MQTT'.");
        }

        if (level != (byte)MqttProtocolVersion.V311 && level != (byte)MqttProtocolVersion.V500)
        {
            MqttProtocolException.Throw(MqttReasonCode.UnsupportedProtocolVersion, $"Unsupported protocol level {level}.");
        }

        var version = (MqttProtocolVersion)level;
        var v5 = version == MqttProtocolVersion.V500;
        var flags = reader.ReadByte();
        if ((flags & 0x01) != 0)
        {
            MqttProtocolException.ThrowMalformed("CONNECT reserved flag must be zero.");
        }

        var cleanStart = (flags & 0x02) != 0;
        var willFlag = (flags & 0x04) != 0;
        var willQos = (flags >> 3) & 0x03;
        var willRetain = (flags & 0x20) != 0;
        var passwordFlag = (flags & 0x40) != 0;
        var userNameFlag = (flags & 0x80) != 0;
        if (willQos == 3)
        {
            MqttProtocolException.ThrowMalformed("Will QoS 3 is invalid.");
        }

        if (!willFlag && (willQos != 0 || willRetain))
        {
            MqttProtocolException.ThrowMalformed("Will QoS/retain set without the will flag.");
        }

        if (!v5 && passwordFlag && !userNameFlag)
        {
            MqttProtocolException.ThrowMalformed("Password flag set without user name flag (3.1.1).");
        }

        var packet = new ConnectPacket
        {
            ProtocolVersion = version,
            CleanStart = cleanStart,
            KeepAlive = reader.ReadUInt16(),
        };
        if (v5)
        {
            packet.Properties = ReadProperties(ref reader, MqttPacketType.Connect);
        }

        packet.ClientId = reader.ReadString();
        if (willFlag)
        {
            var willProperties = v5 ? ReadProperties(ref reader, WillPropertiesContext) : null;
            var willTopic = reader.ReadString();
            if (!MqttTopic.IsValidTopicName(willTopic))
            {
                MqttProtocolException.Throw(MqttReasonCode.TopicNameInvalid, "Invalid will topic.");
            }

            packet.Will = new MqttWillMessage
            {
                Topic = willTopic,
                Payload = reader.ReadBinary().ToArray(),
                QoS = (MqttQualityOfService)willQos,
                Retain = willRetain,
                Properties = willProperties,
            };
        }

        if (userNameFlag)
        {
            packet.UserName = reader.ReadString();
        }

        if (passwordFlag)
        {
            packet.Password = reader.ReadBinary().ToArray();
        }

        return packet;
    }

    private static ConnAckPacket ReadConnAck(ref MqttBodyReader reader, bool _, bool v5)
    {
        var ackFlags = reader.ReadByte();
        if ((ackFlags & 0xFE) != 0)
        {
            MqttProtocolException.ThrowMalformed("CONNACK reserved flags must be zero.");
        }

        var code = reader.ReadByte();
        var packet = new ConnAckPacket { SessionPresent = (ackFlags & 1) != 0 };
        if (v5)
        {
            packet.ReasonCode = (MqttReasonCode)code;
            if (!reader.End)
            {
                packet.Properties = ReadProperties(ref reader, MqttPacketType.ConnAck);
            }
        }
        else
        {
            if (code > 5)
            {
                MqttProtocolException.ThrowMalformed("Invalid CONNACK return code.");
            }

            packet.ReasonCode = MqttReasonCodeMapping.FromV311ConnectReturnCode((MqttConnectReturnCode)code);
        }

        return packet;
    }

    private static DisconnectPacket ReadDisconnect(ref MqttBodyReader reader, bool _, bool v5)
    {
        var packet = new DisconnectPacket();
        if (!v5)
        {
            if (!reader.End)
            {
                MqttProtocolException.ThrowMalformed("DISCONNECT must have no body in 3.1.1.");
            }

            return packet;
        }

        if (!reader.End)
        {
            packet.ReasonCode = (MqttReasonCode)reader.ReadByte();
            if (!reader.End)
            {
                packet.Properties = ReadProperties(ref reader, MqttPacketType.Disconnect);
            }
        }

        return packet;
    }

    private static AuthPacket ReadAuth(ref MqttBodyReader reader, bool _)
    {
        var packet = new AuthPacket();
        if (!reader.End)
        {
            packet.ReasonCode = (MqttReasonCode)reader.ReadByte();
            if (packet.ReasonCode is not (MqttReasonCode.Success or MqttReasonCode.ContinueAuthentication or MqttReasonCode.ReAuthenticate))
            {
                MqttProtocolException.ThrowProtocolError("Invalid AUTH reason code.");
            }

            if (!reader.End)
            {
                packet.Properties = ReadProperties(ref reader, MqttPacketType.Auth);
            }
        }

        return packet;
    }
}
