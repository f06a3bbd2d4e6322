using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>A message waiting in a session queue for one subscriber, with the per-subscription delivery settings.</summary>
internal readonly record struct QueuedMessage(MqttApplicationMessage Message, MqttQualityOfService QoS, bool Retain, uint[]? SubscriptionIds)
{
    /// <summary>Id of its row in the broker state store (a persistent session's QoS 1/2 message), 0 when not stored.</summary>
    public long PersistId { get; init; }
}
