using System.Diagnostics.CodeAnalysis;

namespace EdgeConductor.Mqtt.Protocol;

/// <summary>
/// The single exception type raised for malformed or protocol-violating input. It carries the MQTT v5 reason
/// code the session boundary sends (DISCONNECT, or CONNACK during connect) before closing.
/// </summary>
public sealed class MqttProtocolException : Exception
{
    private MqttProtocolException(MqttReasonCode reasonCode, string message) : base(message)
    {
        ReasonCode = reasonCode;
    }

    public MqttReasonCode ReasonCode { get; }

    [DoesNotReturn]
    public static void Throw(MqttReasonCode reasonCode, string message) => throw new MqttProtocolException(reasonCode, message);

    [DoesNotReturn]
    public static void ThrowMalformed(string message) => throw new MqttProtocolException(MqttReasonCode.MalformedPacket, message);

    [DoesNotReturn]
    public static void ThrowProtocolError(string message) => throw new MqttProtocolException(MqttReasonCode.ProtocolError, message);

    [DoesNotReturn]
    public static T ThrowMalformed<T>(string message) => throw new MqttProtocolException(MqttReasonCode.MalformedPacket, message);
}
