using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Codec;

public static partial class MqttPacketWriter
{
    private static int ConnectLength(ConnectPacket p)
    {
        var v5 = p.ProtocolVersion == MqttProtocolVersion.V500;
        var length = 6 + 1 + 1 + 2; // "MQTT", level, flags, keep alive
        if (v5)
        {
            length += PropertiesSize(p.Properties);
        }

        length += MqttSpanWriter.StringSize(p.ClientId);
        if (p.Will is { } will)
        {
            if (v5)
            {
                length += PropertiesSize(will.Properties);
            }

            length += MqttSpanWriter.StringSize(will.Topic) + 2 + will.Payload.Length;
        }

        if (p.UserName is not null)
        {
            length += MqttSpanWriter.StringSize(p.UserName);
        }

        if (p.Password is { } password)
        {
            length += 2 + password.Length;
        }

        return length;
    }

    private static void WriteConnect(ref MqttSpanWriter writer, ConnectPacket p)
    {
        var v5 = p.ProtocolVersion == MqttProtocolVersion.V500;
        writer.WriteBinary("MQTT"u8);
        writer.WriteByte((byte)p.ProtocolVersion);
        byte flags = 0;
        if (p.CleanStart)
        {
            flags |= 0x02;
        }

        if (p.Will is { } w)
        {
            flags |= (byte)(0x04 | ((byte)w.QoS << 3) | (w.Retain ? 0x20 : 0));
        }

        if (p.Password is not null)
        {
            flags |= 0x40;
        }

        if (p.UserName is not null)
        {
            flags |= 0x80;
        }

        writer.WriteByte(flags);
        writer.WriteUInt16(p.KeepAlive);
        if (v5)
        {
            WriteProperties(ref writer, p.Properties);
        }

        writer.WriteString(p.ClientId);
        if (p.Will is { } will)
        {
            if (v5)
            {
                WriteProperties(ref writer, will.Properties);
            }

            writer.WriteString(will.Topic);
            writer.WriteBinary(will.Payload.Span);
        }

        if (p.UserName is not null)
        {
            writer.WriteString(p.UserName);
        }

        if (p.Password is { } password)
        {
            writer.WriteBinary(password.Span);
        }
    }
}
