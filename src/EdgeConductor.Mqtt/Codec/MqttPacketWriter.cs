using System.Buffers;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Codec;

/// <summary>Encodes packets into an <see cref="IBufferWriter{T}"/>. Sizes are computed first, then written once.</summary>
public static partial class MqttPacketWriter
{
    /// <summary>Writes <paramref name="packet"/> and returns the number of bytes written.</summary>
    public static int Write(IBufferWriter<byte> output, MqttPacket packet, MqttProtocolVersion version)
    {
        if (packet is PublishPacket publish)
        {
            return WritePublish(output, publish, version);
        }

        var remaining = GetRemainingLength(packet, version);
        var total = 1 + MqttSpanWriter.VariableByteIntegerSize((uint)remaining) + remaining;
        var span = output.GetSpan(total);
        var writer = new MqttSpanWriter(span);
        writer.WriteByte(FixedHeader(packet));
        writer.WriteVariableByteInteger((uint)remaining);
        WriteBody(ref writer, packet, version);
        output.Advance(total);
        return total;
    }

    /// <summary>Total encoded size of the packet, fixed header included.</summary>
    public static int GetSize(MqttPacket packet, MqttProtocolVersion version)
    {
        var remaining = GetRemainingLength(packet, version);
        return 1 + MqttSpanWriter.VariableByteIntegerSize((uint)remaining) + remaining;
    }

    /// <summary>Encodes into a new array (tests, tools).</summary>
    public static byte[] ToArray(MqttPacket packet, MqttProtocolVersion version)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, packet, version);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte FixedHeader(MqttPacket packet)
    {
        var type = (byte)((byte)packet.Type << 4);
        return packet switch
        {
            PublishPacket p => (byte)(type | (p.Dup ? 0x08 : 0) | ((byte)p.QoS << 1) | (p.Retain ? 1 : 0)),
            PubRelPacket or SubscribePacket or UnsubscribePacket => (byte)(type | 0x02),
            _ => type,
        };
    }

    private static int GetRemainingLength(MqttPacket packet, MqttProtocolVersion version)
    {
        var v5 = version == MqttProtocolVersion.V500;
        return packet switch
        {
            ConnectPacket p => ConnectLength(p),
            ConnAckPacket p => 2 + (v5 ? PropertiesSize(p.Properties) : 0),
            PublishPacket p => PublishHeaderLength(p, v5) + p.Payload.Length,
            MqttAckPacket p => AckLength(p.ReasonCode, p.Properties, v5),
            SubscribePacket p => SubscribeLength(p, v5),
            SubAckPacket p => 2 + (v5 ? PropertiesSize(p.Properties) : 0) + p.ReasonCodes.Count,
            UnsubscribePacket p => UnsubscribeLength(p, v5),
            UnsubAckPacket p => 2 + (v5 ? PropertiesSize(p.Properties) + p.ReasonCodes.Count : 0),
            PingReqPacket or PingRespPacket => 0,
            DisconnectPacket p => v5 ? ReasonAndPropertiesLength(p.ReasonCode, p.Properties) : 0,
            AuthPacket p => ReasonAndPropertiesLength(p.ReasonCode, p.Properties),
            _ => throw new ArgumentException($"Unsupported packet {packet.GetType().Name}.", nameof(packet)),
        };
    }

    private static void WriteBody(ref MqttSpanWriter writer, MqttPacket packet, MqttProtocolVersion version)
    {
        var v5 = version == MqttProtocolVersion.V500;
        switch (packet)
        {
            case ConnectPacket p:
                WriteConnect(ref writer, p);
                break;
            case ConnAckPacket p:
                writer.WriteByte(p.SessionPresent ? (byte)1 : (byte)0);
                writer.WriteByte(v5 ? (byte)p.ReasonCode : (byte)MqttReasonCodeMapping.ToV311ConnectReturnCode(p.ReasonCode));
                if (v5)
                {
                    WriteProperties(ref writer, p.Properties);
                }

                break;
            case MqttAckPacket p:
                writer.WriteUInt16(p.PacketId);
                if (v5 && (p.ReasonCode != MqttReasonCode.Success || p.Properties is not null))
                {
                    writer.WriteByte((byte)p.ReasonCode);
                    if (p.Properties is not null)
                    {
                        WriteProperties(ref writer, p.Properties);
                    }
                }

                break;
            case SubscribePacket p:
                writer.WriteUInt16(p.PacketId);
                if (v5)
                {
                    WriteProperties(ref writer, p.Properties);
                }

                foreach (var s in p.Subscriptions)
                {
                    writer.WriteString(s.Filter);
                    var options = (byte)s.QoS;
                    if (v5)
                    {
                        options |= (byte)((s.NoLocal ? 0x04 : 0) | (s.RetainAsPublished ? 0x08 : 0) | ((byte)s.RetainHandling << 4));
                    }

                    writer.WriteByte(options);
                }

                break;
            case SubAckPacket p:
                writer.WriteUInt16(p.PacketId);
                if (v5)
                {
                    WriteProperties(ref writer, p.Properties);
                }

                foreach (var code in p.ReasonCodes)
                {
                    writer.WriteByte(!v5 && (byte)code >= 0x80 ? (byte)0x80 : (byte)code);
                }

                break;
            case UnsubscribePacket p:
                writer.WriteUInt16(p.PacketId);
                if (v5)
                {
                    WriteProperties(ref writer, p.Properties);
                }

                foreach (var filter in p.Filters)
                {
                    writer.WriteString(filter);
                }

                break;
            case UnsubAckPacket p:
                writer.WriteUInt16(p.PacketId);
                if (v5)
                {
                    WriteProperties(ref writer, p.Properties);
                    foreach (var code in p.ReasonCodes)
                    {
                        writer.WriteByte((byte)code);
                    }
                }

                break;
            case DisconnectPacket p:
                if (v5)
                {
                    WriteReasonAndProperties(ref writer, p.ReasonCode, p.Properties);
                }

                break;
            case AuthPacket p:
                WriteReasonAndProperties(ref writer, p.ReasonCode, p.Properties);
                break;
        }
    }

    private static int AckLength(MqttReasonCode code, MqttProperties? properties, bool v5)
    {
        if (!v5 || (code == MqttReasonCode.Success && properties is null))
        {
            return 2;
        }

        return 3 + (properties is null ? 0 : PropertiesSize(properties));
    }

    private static int ReasonAndPropertiesLength(MqttReasonCode code, MqttProperties? properties)
    {
        if (code == MqttReasonCode.Success && properties is null)
        {
            return 0;
        }

        return 1 + (properties is null ? 0 : PropertiesSize(properties));
    }

    private static void WriteReasonAndProperties(ref MqttSpanWriter writer, MqttReasonCode code, MqttProperties? properties)
    {
        if (code == MqttReasonCode.Success && properties is null)
        {
            return;
        }

        writer.WriteByte((byte)code);
        if (properties is not null)
        {
            WriteProperties(ref writer, properties);
        }
    }

    private static int SubscribeLength(SubscribePacket p, bool v5)
    {
        var length = 2 + (v5 ? PropertiesSize(p.Properties) : 0);
        foreach (var s in p.Subscriptions)
        {
            length += MqttSpanWriter.StringSize(s.Filter) + 1;
        }

        return length;
    }

    private static int UnsubscribeLength(UnsubscribePacket p, bool v5)
    {
        var length = 2 + (v5 ? PropertiesSize(p.Properties) : 0);
        foreach (var f in p.Filters)
        {
            length += MqttSpanWriter.StringSize(f);
        }

        return length;
    }
}
