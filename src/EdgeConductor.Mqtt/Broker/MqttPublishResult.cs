using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>Outcome of <see cref="IMqttBrokerHooks.OnPublishAsync"/>.</summary>
public readonly record struct MqttPublishResult(bool Accepted, MqttReasonCode ReasonCode, string? ReasonString)
{
    public static MqttPublishResult Accept { get; } = new(true, MqttReasonCode.Success, null);

    /// <summary>Not routed. v5 QoS 1/2 get PUBACK/PUBREC with this code; v3.1.1 is acknowledged and dropped.</summary>
    public static MqttPublishResult Reject(MqttReasonCode reasonCode, string? reasonString = null) => new(false, reasonCode, reasonString);
}
