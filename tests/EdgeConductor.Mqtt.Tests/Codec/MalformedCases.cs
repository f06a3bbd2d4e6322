using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Tests.Codec;

/// <summary>Malformed / protocol-violating packets and the reason code each must produce. Fuzz regressions go here too.</summary>
internal static class MalformedCases
{
    public static byte[] Packet(byte header, params byte[] body)
    {
        var length = new List<byte>();
        var value = body.Length;
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            if (value > 0)
            {
                b |= 0x80;
            }

            length.Add(b);
        }
        while (value > 0);
        return [header, .. length, .. body];
    }

    private static byte[] Str(string s)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(s);
        return [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
    }

    /// <summary>Packets sent after a successful CONNECT (name, version, bytes, expected code).</summary>
    public static IEnumerable<(string Name, MqttProtocolVersion Version, byte[] Bytes, MqttReasonCode Code)> AfterConnect()
    {
        var v3 = MqttProtocolVersion.V311;
        var v5 = MqttProtocolVersion.V500;
        foreach (var v in new[] { v3, v5 })
        {
            var props = v == v5 ? new byte[] { 0 } : [];
            yield return ("reserved type 0", v, [0x00, 0x00], MqttReasonCode.MalformedPacket);
            yield return ("publish qos 3", v, Packet(0x36, [.. Str("a"), 0, 1, .. props]), MqttReasonCode.MalformedPacket);
            yield return ("publish qos0 dup", v, Packet(0x38, [.. Str("a"), .. props]), MqttReasonCode.MalformedPacket);
            yield return ("publish wildcard topic", v, Packet(0x30, [.. Str("a/#"), .. props]), MqttReasonCode.TopicNameInvalid);
            yield return ("publish plus topic", v, Packet(0x30, [.. Str("a/+"), .. props]), MqttReasonCode.TopicNameInvalid);
            yield return ("publish packet id 0", v, Packet(0x32, [.. Str("a"), 0, 0, .. props]), MqttReasonCode.MalformedPacket);
            yield return ("remaining length 5 bytes", v, [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], MqttReasonCode.MalformedPacket);
            yield return ("non-minimal remaining length", v, [0xC0, 0x80, 0x00], MqttReasonCode.MalformedPacket);
            yield return ("string with U+0000", v, Packet(0x30, [0, 2, (byte)'a', 0, .. props]), MqttReasonCode.MalformedPacket);
            yield return ("invalid utf-8", v, Packet(0x30, [0, 2, 0xC3, 0x28, .. props]), MqttReasonCode.MalformedPacket);
            yield return ("utf-8 encoded surrogate", v, Packet(0x30, [0, 3, 0xED, 0xA0, 0x80, .. props]), MqttReasonCode.MalformedPacket);
            yield return ("overlong utf-8", v, Packet(0x30, [0, 2, 0xC0, 0xAF, .. props]), MqttReasonCode.MalformedPacket);
            yield return ("string longer than packet", v, Packet(0x30, [0, 9, (byte)'a']), MqttReasonCode.MalformedPacket);
            yield return ("subscribe flags 0", v, Packet(0x80, [0, 1, .. props, .. Str("a"), 1]), MqttReasonCode.MalformedPacket);
            yield return ("subscribe no filters", v, Packet(0x82, [0, 1, .. props]), MqttReasonCode.ProtocolError);
            yield return ("subscribe invalid filter", v, Packet(0x82, [0, 1, .. props, .. Str("a/#/b"), 1]), MqttReasonCode.TopicFilterInvalid);
            yield return ("subscribe partial plus", v, Packet(0x82, [0, 1, .. props, .. Str("a/b+"), 1]), MqttReasonCode.TopicFilterInvalid);
            yield return ("subscribe qos 3", v, Packet(0x82, [0, 1, .. props, .. Str("a"), 3]), MqttReasonCode.MalformedPacket);
            yield return ("subscribe packet id 0", v, Packet(0x82, [0, 0, .. props, .. Str("a"), 1]), MqttReasonCode.MalformedPacket);
            yield return ("unsubscribe no filters", v, Packet(0xA2, [0, 1, .. props]), MqttReasonCode.ProtocolError);
            yield return ("pubrel flags 0", v, Packet(0x60, [0, 1]), MqttReasonCode.MalformedPacket);
            yield return ("puback flags 2", v, Packet(0x42, [0, 1]), MqttReasonCode.MalformedPacket);
            yield return ("pingreq with body", v, Packet(0xC0, [0]), MqttReasonCode.MalformedPacket);
            yield return ("second connect", v, Packet(0x10, [.. Str("MQTT"), (byte)v, 2, 0, 0, .. props, .. Str("x")]), MqttReasonCode.ProtocolError);
            yield return ("connack from client", v, Packet(0x20, v == v5 ? [0, 0, 0] : [0, 0]), MqttReasonCode.ProtocolError);
            yield return ("suback from client", v, Packet(0x90, [0, 1, .. props, 0]), MqttReasonCode.ProtocolError);
        }

        yield return ("v3 subscribe reserved option bits", v3, Packet(0x82, [0, 1, .. Str("a"), 0x04]), MqttReasonCode.MalformedPacket);
        yield return ("v3 auth packet", v3, [0xF0, 0x00], MqttReasonCode.MalformedPacket);
        yield return ("v3 puback trailing bytes", v3, Packet(0x40, [0, 1, 0]), MqttReasonCode.MalformedPacket);
        yield return ("v3 disconnect with body", v3, Packet(0xE0, [0]), MqttReasonCode.MalformedPacket);
        yield return ("v5 duplicate property", v5, Packet(0x30, [.. Str("a"), 4, 0x01, 0, 0x01, 1]), MqttReasonCode.ProtocolError);
        yield return ("v5 property not allowed in publish", v5, Packet(0x30, [.. Str("a"), 5, 0x11, 0, 0, 0, 1]), MqttReasonCode.ProtocolError);
        yield return ("v5 unknown property", v5, Packet(0x30, [.. Str("a"), 2, 0x7F, 0]), MqttReasonCode.ProtocolError);
        yield return ("v5 topic alias 0", v5, Packet(0x30, [.. Str("a"), 3, 0x23, 0, 0]), MqttReasonCode.TopicAliasInvalid);
        yield return ("v5 topic alias above maximum", v5, Packet(0x30, [.. Str("a"), 3, 0x23, 0x10, 0]), MqttReasonCode.TopicAliasInvalid);
        yield return ("v5 unknown topic alias", v5, Packet(0x30, [0, 0, 3, 0x23, 0, 9]), MqttReasonCode.ProtocolError);
        yield return ("v5 empty topic without alias", v5, Packet(0x30, [0, 0, 0]), MqttReasonCode.ProtocolError);
        yield return ("v5 property length beyond packet", v5, Packet(0x30, [.. Str("a"), 9, 0x01, 0]), MqttReasonCode.MalformedPacket);
        yield return ("v5 payload format indicator 2", v5, Packet(0x30, [.. Str("a"), 2, 0x01, 2]), MqttReasonCode.ProtocolError);
        yield return ("v5 subscription id 0", v5, Packet(0x82, [0, 1, 2, 0x0B, 0, .. Str("a"), 1]), MqttReasonCode.ProtocolError);
        yield return ("v5 subscribe retain handling 3", v5, Packet(0x82, [0, 1, 0, .. Str("a"), 0x31]), MqttReasonCode.MalformedPacket);
        yield return ("v5 subscribe reserved bits", v5, Packet(0x82, [0, 1, 0, .. Str("a"), 0x41]), MqttReasonCode.MalformedPacket);
        yield return ("v5 no-local on shared subscription", v5, Packet(0x82, [0, 1, 0, .. Str("$share/g/a"), 0x05]), MqttReasonCode.ProtocolError);
        yield return ("v5 shared filter without group", v5, Packet(0x82, [0, 1, 0, .. Str("$share//a"), 0x01]), MqttReasonCode.TopicFilterInvalid);
        yield return ("v5 auth bad reason", v5, Packet(0xF0, [0x80, 0]), MqttReasonCode.ProtocolError);
        yield return ("v5 publish qos 2 above ... packet too large", v5, Packet(0x30, [.. Str("a"), 0, .. new byte[70_000]]), MqttReasonCode.PacketTooLarge);
        yield return ("fuzz regression: truncated property varint", v5, Packet(0x30, [.. Str("a"), 0x80]), MqttReasonCode.MalformedPacket);
        yield return ("fuzz regression: user property missing value", v5, Packet(0x30, [.. Str("a"), 4, 0x26, 0, 1, (byte)'k']), MqttReasonCode.MalformedPacket);
    }

    /// <summary>Bad CONNECT packets and the CONNACK reason expected (v5), or null when the server just closes.</summary>
    public static IEnumerable<(string Name, byte[] Bytes, MqttReasonCode Code, bool V5ConnAck)> BadConnects()
    {
        yield return ("reserved flag", Packet(0x10, [.. Str("MQTT"), 5, 0x03, 0, 10, 0, .. Str("c")]), MqttReasonCode.MalformedPacket, true);
        yield return ("will qos 3", Packet(0x10, [.. Str("MQTT"), 5, 0x1E, 0, 10, 0, .. Str("c"), 0, .. Str("w"), 0, 0]), MqttReasonCode.MalformedPacket, true);
        yield return ("receive maximum 0", Packet(0x10, [.. Str("MQTT"), 5, 0x02, 0, 10, 3, 0x21, 0, 0, .. Str("c")]), MqttReasonCode.ProtocolError, true);
        yield return ("property not allowed in connect", Packet(0x10, [.. Str("MQTT"), 5, 0x02, 0, 10, 3, 0x23, 0, 1, .. Str("c")]), MqttReasonCode.ProtocolError, true);
        yield return ("unsupported level 6", Packet(0x10, [.. Str("MQTT"), 6, 0x02, 0, 10, .. Str("c")]), MqttReasonCode.UnsupportedProtocolVersion, false);
        yield return ("mqtt 3.1 MQIsdp", Packet(0x10, [.. Str("MQIsdp"), 3, 0x02, 0, 10, .. Str("c")]), MqttReasonCode.UnsupportedProtocolVersion, false);
        yield return ("v3 password without user name", Packet(0x10, [.. Str("MQTT"), 4, 0x42, 0, 10, .. Str("c"), .. Str("p")]), MqttReasonCode.MalformedPacket, false);
        yield return ("first packet not connect", Packet(0xC0, []), MqttReasonCode.ProtocolError, false);
        yield return ("bad protocol name", Packet(0x10, [.. Str("MQTX"), 4, 0x02, 0, 10, .. Str("c")]), MqttReasonCode.ProtocolError, false);
    }
}
