namespace EdgeConductor.Mqtt.Protocol;

/// <summary>MQTT protocol level as carried in CONNECT.</summary>
public enum MqttProtocolVersion : byte
{
    Unknown = 0,
    V311 = 4,
    V500 = 5,
}
