using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Client;

/// <summary>Connection refused, connection lost while waiting, or a failed acknowledgement.</summary>
public sealed class MqttClientException : Exception
{
    public MqttClientException(string message, MqttReasonCode reasonCode = MqttReasonCode.UnspecifiedError, Exception? inner = null)
        : base(message, inner)
    {
        ReasonCode = reasonCode;
    }

    public MqttReasonCode ReasonCode { get; }
}
