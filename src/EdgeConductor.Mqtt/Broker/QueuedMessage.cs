using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>A message waiting in a session queue for one subscriber, with the per-subscription delivery settings.</summary>
internal readonly record struct QueuedMessage(MqttApplicationMessage Message, MqttQualityOfService QoS, bool Retain, uint[]? SubscriptionIds);
