using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Codec;

/// <summary>Bounds-checked reader over the (complete) body of one packet. Running past the end is malformed.</summary>
internal ref struct MqttBodyReader
{
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public MqttBodyReader(ReadOnlySpan<byte> span)
    {
        _span = span;
        _position = 0;
    }

    public readonly int Remaining => _span.Length - _position;

    public readonly bool End => _position >= _span.Length;

    public byte ReadByte()
    {
        if (_position >= _span.Length)
        {
            MqttProtocolException.ThrowMalformed("Unexpected end of packet.");
        }

        return _span[_position++];
    }

    public ushort ReadUInt16()
    {
        if (_span.Length - _position < 2)
        {
            MqttProtocolException.ThrowMalformed("Unexpected end of packet (uint16).");
        }

        var value = BinaryPrimitives.ReadUInt16BigEndian(_span.Slice(_position));
        _position += 2;
        return value;
    }

    public uint ReadUInt32()
    {
        if (_span.Length - _position < 4)
        {
            MqttProtocolException.ThrowMalformed("Unexpected end of packet (uint32).");
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(_span.Slice(_position));
        _position += 4;
        return value;
    }

    public uint ReadVariableByteInteger()
    {
        uint value = 0;
        for (var i = 0; i < 4; i++)
        {
            var b = ReadByte();
            value |= (uint)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    MqttProtocolException.ThrowMalformed("Variable byte integer is not minimally encoded.");
                }

                return value;
            }
        }

        return MqttProtocolException.ThrowMalformed<uint>("Variable byte integer longer than 4 bytes.");
    }

    public ReadOnlySpan<byte> ReadBinary()
    {
        int length = ReadUInt16();
        return ReadBytes(length);
    }

    public ReadOnlySpan<byte> ReadBytes(int length)
    {
        if (_span.Length - _position < length)
        {
            MqttProtocolException.ThrowMalformed("Length exceeds packet.");
        }

        var slice = _span.Slice(_position, length);
        _position += length;
        return slice;
    }

    public ReadOnlySpan<byte> ReadToEnd()
    {
        var slice = _span.Slice(_position);
        _position = _span.Length;
        return slice;
    }

    public string ReadString() => DecodeUtf8(ReadBinary());

    public static string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        if (bytes.IndexOf((byte)0) >= 0)
        {
            MqttProtocolException.ThrowMalformed("UTF-8 string contains U+0000.");
        }

        // Utf8.IsValid rejects overlongs, encoded surrogates (U+D800..U+DFFF) and truncated sequences.
        if (!Utf8.IsValid(bytes))
        {
            MqttProtocolException.ThrowMalformed("String is not well-formed UTF-8.");
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
