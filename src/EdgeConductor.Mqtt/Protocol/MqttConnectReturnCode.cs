namespace EdgeConductor.Mqtt.Protocol;

/// <summary>MQTT 3.1.1 CONNACK return codes.</summary>
public enum MqttConnectReturnCode : byte
{
    Accepted = 0,
    UnacceptableProtocolVersion = 1,
    IdentifierRejected = 2,
    ServerUnavailable = 3,
    BadUserNameOrPassword = 4,
    NotAuthorized = 5,
}
