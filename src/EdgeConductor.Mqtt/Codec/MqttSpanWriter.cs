using System.Buffers.Binary;
using System.Text;

namespace EdgeConductor.Mqtt.Codec;

/// <summary>Writes into a pre-sized span; sizes are computed up front so no bounds growth is needed.</summary>
internal ref struct MqttSpanWriter
{
    private readonly Span<byte> _span;
    private int _position;

    public MqttSpanWriter(Span<byte> span)
    {
        _span = span;
        _position = 0;
    }

    public readonly int Position => _position;

    public void WriteByte(byte value) => _span[_position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_span.Slice(_position), value);
        _position += 2;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_span.Slice(_position), value);
        _position += 4;
    }

    public void WriteVariableByteInteger(uint value)
    {
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            if (value > 0)
            {
                b |= 0x80;
            }

            _span[_position++] = b;
        }
        while (value > 0);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_span.Slice(_position));
        _position += bytes.Length;
    }

    public void WriteBinary(ReadOnlySpan<byte> bytes)
    {
        WriteUInt16((ushort)bytes.Length);
        WriteBytes(bytes);
    }

    public void WriteString(string value)
    {
        var written = Encoding.UTF8.GetBytes(value, _span.Slice(_position + 2));
        WriteUInt16((ushort)written);
        _position += written;
    }

    public static int VariableByteIntegerSize(uint value) => value switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };

    public static int StringSize(string value) => 2 + Encoding.UTF8.GetByteCount(value);
}
