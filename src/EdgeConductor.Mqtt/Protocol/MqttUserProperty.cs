namespace EdgeConductor.Mqtt.Protocol;

public readonly record struct MqttUserProperty(string Name, string Value);
