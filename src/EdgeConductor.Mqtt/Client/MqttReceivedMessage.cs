using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Client;

public sealed record MqttReceivedMessage(string Topic, ReadOnlyMemory<byte> Payload, MqttQualityOfService QoS, bool Retain, bool Dup, MqttProperties? Properties);
