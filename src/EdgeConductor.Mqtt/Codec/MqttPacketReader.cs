using System.Buffers;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Codec;

/// <summary>
/// Pure, synchronous MQTT decoder. <see cref="TryReadPacket"/> returns false (consuming nothing) on incomplete
/// input and throws <see cref="MqttProtocolException"/> on malformed input. Limits are enforced from the fixed
/// header before any body decoding happens.
/// </summary>
public static partial class MqttPacketReader
{
    /// <summary>Absolute protocol maximum: 1 + 4 + 268,435,455.</summary>
    public const int ProtocolMaximumPacketSize = 268_435_460;

    /// <param name="reader">Input; advanced past the packet on success.</param>
    /// <param name="version">Negotiated version. Ignored for CONNECT (which carries its own).</param>
    /// <param name="maximumPacketSize">Total packet size limit (fixed header included).</param>
    /// <param name="packet">The decoded packet.</param>
    public static bool TryReadPacket(ref SequenceReader<byte> reader, MqttProtocolVersion version, int maximumPacketSize, out MqttPacket? packet)
    {
        packet = null;
        if (!TryReadFixedHeader(ref reader, out var header, out var remainingLength, out var headerLength))
        {
            return false;
        }

        long total = (long)headerLength + remainingLength;
        if (total > maximumPacketSize)
        {
            MqttProtocolException.Throw(MqttReasonCode.PacketTooLarge, $"Packet of {total} bytes exceeds the maximum of {maximumPacketSize}.");
        }

        if (reader.Remaining < total)
        {
            return false;
        }

        var unread = reader.UnreadSpan;
        if (unread.Length >= total)
        {
            // Fast path: the whole packet is in the current segment.
            packet = Decode(header, unread.Slice(headerLength, remainingLength), version);
            reader.Advance(total);
            return true;
        }

        reader.Advance(headerLength);
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(remainingLength, 1));
        try
        {
            var body = rented.AsSpan(0, remainingLength);
            reader.TryCopyTo(body);
            packet = Decode(header, body, version);
            reader.Advance(remainingLength);
            return true;
        }
        catch (MqttProtocolException)
        {
            reader.Rewind(headerLength);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Decodes one packet from a contiguous buffer that must contain exactly one full packet.</summary>
    public static MqttPacket ReadPacket(ReadOnlySpan<byte> packet, MqttProtocolVersion version, int maximumPacketSize = ProtocolMaximumPacketSize)
    {
        var sequence = new ReadOnlySequence<byte>(packet.ToArray());
        var reader = new SequenceReader<byte>(sequence);
        if (!TryReadPacket(ref reader, version, maximumPacketSize, out var result) || result is null)
        {
            MqttProtocolException.ThrowMalformed("Incomplete packet.");
        }

        if (!reader.End)
        {
            MqttProtocolException.ThrowMalformed("Trailing bytes after packet.");
        }

        return result;
    }

    private static bool TryReadFixedHeader(ref SequenceReader<byte> reader, out byte header, out int remainingLength, out int headerLength)
    {
        header = 0;
        remainingLength = 0;
        headerLength = 0;
        var span = reader.UnreadSpan;
        if (span.Length >= 5)
        {
            header = span[0];
            return TryDecodeLength(span.Slice(1, 4), out remainingLength, out headerLength);
        }

        Span<byte> local = stackalloc byte[5];
        var available = (int)Math.Min(reader.Remaining, 5);
        if (available < 2)
        {
            return false;
        }

        reader.TryCopyTo(local[..available]);
        header = local[0];
        return TryDecodeLength(local.Slice(1, available - 1), out remainingLength, out headerLength);
    }

    private static bool TryDecodeLength(ReadOnlySpan<byte> bytes, out int value, out int headerLength)
    {
        value = 0;
        headerLength = 0;
        for (var i = 0; i < 4; i++)
        {
            if (i >= bytes.Length)
            {
                return false;
            }

            var b = bytes[i];
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    MqttProtocolException.ThrowMalformed("Remaining length is not minimally encoded.");
                }

                headerLength = i + 2;
                return true;
            }
        }

        MqttProtocolException.ThrowMalformed("Remaining length longer than 4 bytes.");
        return false;
    }

    private static MqttPacket Decode(byte header, ReadOnlySpan<byte> body, MqttProtocolVersion version)
    {
        var type = (MqttPacketType)(header >> 4);
        var flags = header & 0x0F;
        var reader = new MqttBodyReader(body);
        var v5 = version == MqttProtocolVersion.V500;
        MqttPacket packet = type switch
        {
            MqttPacketType.Connect => ReadConnect(ref reader, RequireFlags(flags, 0, type)),
            MqttPacketType.ConnAck => ReadConnAck(ref reader, RequireFlags(flags, 0, type), v5),
            MqttPacketType.Publish => ReadPublish(ref reader, flags, v5),
            MqttPacketType.PubAck => ReadAck(ref reader, new PubAckPacket(), RequireFlags(flags, 0, type), v5),
            MqttPacketType.PubRec => ReadAck(ref reader, new PubRecPacket(), RequireFlags(flags, 0, type), v5),
            MqttPacketType.PubRel => ReadAck(ref reader, new PubRelPacket(), RequireFlags(flags, 2, type), v5),
            MqttPacketType.PubComp => ReadAck(ref reader, new PubCompPacket(), RequireFlags(flags, 0, type), v5),
            MqttPacketType.Subscribe => ReadSubscribe(ref reader, RequireFlags(flags, 2, type), v5),
            MqttPacketType.SubAck => ReadSubAck(ref reader, RequireFlags(flags, 0, type), v5),
            MqttPacketType.Unsubscribe => ReadUnsubscribe(ref reader, RequireFlags(flags, 2, type), v5),
            MqttPacketType.UnsubAck => ReadUnsubAck(ref reader, RequireFlags(flags, 0, type), v5),
            MqttPacketType.PingReq => ReadEmpty(ref reader, PingReqPacket.Instance, RequireFlags(flags, 0, type)),
            MqttPacketType.PingResp => ReadEmpty(ref reader, PingRespPacket.Instance, RequireFlags(flags, 0, type)),
            MqttPacketType.Disconnect => ReadDisconnect(ref reader, RequireFlags(flags, 0, type), v5),
            MqttPacketType.Auth when v5 => ReadAuth(ref reader, RequireFlags(flags, 0, type)),
            _ => MqttProtocolException.ThrowMalformed<MqttPacket>($"Reserved or unsupported packet type {(int)type}."),
        };

        if (!reader.End)
        {
            MqttProtocolException.ThrowMalformed($"Trailing bytes in {type} packet.");
        }

        return packet;
    }

    private static bool RequireFlags(int flags, int expected, MqttPacketType type)
    {
        if (flags != expected)
        {
            MqttProtocolException.ThrowMalformed($"Invalid fixed header flags 0x{flags:X} for {type}.");
        }

        return true;
    }

    private static MqttPacket ReadEmpty(ref MqttBodyReader reader, MqttPacket instance, bool _)
    {
        if (!reader.End)
        {
            MqttProtocolException.ThrowMalformed($"{instance.Type} must have no body.");
        }

        return instance;
    }

    private static ushort ReadPacketId(ref MqttBodyReader reader)
    {
        var id = reader.ReadUInt16();
        if (id == 0)
        {
            MqttProtocolException.ThrowMalformed("Packet identifier must be non-zero.");
        }

        return id;
    }
}
