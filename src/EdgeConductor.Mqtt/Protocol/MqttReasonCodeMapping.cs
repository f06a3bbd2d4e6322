namespace EdgeConductor.Mqtt.Protocol;

/// <summary>Maps v5 reason codes onto the v3.1.1 vocabulary.</summary>
public static class MqttReasonCodeMapping
{
    public static MqttConnectReturnCode ToV311ConnectReturnCode(MqttReasonCode code) => code switch
    {
        MqttReasonCode.Success => MqttConnectReturnCode.Accepted,
        MqttReasonCode.UnsupportedProtocolVersion => MqttConnectReturnCode.UnacceptableProtocolVersion,
        MqttReasonCode.ClientIdentifierNotValid => MqttConnectReturnCode.IdentifierRejected,
        MqttReasonCode.BadUserNameOrPassword or MqttReasonCode.BadAuthenticationMethod => MqttConnectReturnCode.BadUserNameOrPassword,
        MqttReasonCode.NotAuthorized or MqttReasonCode.Banned => MqttConnectReturnCode.NotAuthorized,
        _ => MqttConnectReturnCode.ServerUnavailable,
    };

    public static MqttReasonCode FromV311ConnectReturnCode(MqttConnectReturnCode code) => code switch
    {
        MqttConnectReturnCode.Accepted => MqttReasonCode.Success,
        MqttConnectReturnCode.UnacceptableProtocolVersion => MqttReasonCode.UnsupportedProtocolVersion,
        MqttConnectReturnCode.IdentifierRejected => MqttReasonCode.ClientIdentifierNotValid,
        MqttConnectReturnCode.BadUserNameOrPassword => MqttReasonCode.BadUserNameOrPassword,
        MqttConnectReturnCode.NotAuthorized => MqttReasonCode.NotAuthorized,
        _ => MqttReasonCode.ServerUnavailable,
    };
}
