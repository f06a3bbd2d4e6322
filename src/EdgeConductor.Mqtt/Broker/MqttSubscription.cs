using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>One session's subscription to one filter, as stored in the index.</summary>
internal sealed class MqttSubscription
{
    public MqttSubscription(MqttSession session, MqttTopicSubscription options, uint subscriptionId)
    {
        Session = session;
        Options = options;
        SubscriptionIds = subscriptionId == 0 ? null : [subscriptionId];
    }

    public MqttSession Session { get; }

    public MqttTopicSubscription Options { get; }

    public string Filter => Options.Filter;

    public MqttQualityOfService QoS => Options.QoS;

    /// <summary>Shared single-element array so deliveries carry the id without allocating.</summary>
    public uint[]? SubscriptionIds { get; }
}
