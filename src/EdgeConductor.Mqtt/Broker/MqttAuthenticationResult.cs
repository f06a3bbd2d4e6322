using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>Outcome of authentication. Use <see cref="Accept"/> or <see cref="Reject"/>.</summary>
public readonly record struct MqttAuthenticationResult(bool Accepted, MqttReasonCode ReasonCode, object? Principal)
{
    public static MqttAuthenticationResult Accept(object? principal = null) => new(true, MqttReasonCode.Success, principal);

    /// <summary>Rejects with a v5 reason code (0x86 bad user/password, 0x87 not authorized, ...); mapped to a v3.1.1 return code for 3.1.1 clients.</summary>
    public static MqttAuthenticationResult Reject(MqttReasonCode reasonCode) => new(false, reasonCode, null);
}
