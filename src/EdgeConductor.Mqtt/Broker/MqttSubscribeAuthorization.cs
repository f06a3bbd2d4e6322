using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>Outcome of <see cref="IMqttBrokerHooks.AuthorizeSubscribeAsync"/>.</summary>
public readonly record struct MqttSubscribeAuthorization(bool Granted, MqttQualityOfService GrantedQoS, MqttReasonCode ReasonCode)
{
    public static MqttSubscribeAuthorization Grant(MqttQualityOfService qos) => new(true, qos, (MqttReasonCode)(byte)qos);

    /// <summary>SUBACK failure: 0x80 in v3.1.1, this reason code (default 0x87) in v5.</summary>
    public static MqttSubscribeAuthorization Deny(MqttReasonCode reasonCode = MqttReasonCode.NotAuthorized) => new(false, 0, reasonCode);
}
