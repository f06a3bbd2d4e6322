using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

public sealed partial class MqttBroker
{
    /// <summary>
    /// Deletes every retained message whose topic matches <paramref name="filter"/> (wildcards allowed; MQTT 3.1.1
    /// §3.3.1.3 / 5.0 §3.3.1.3 retained semantics, as if a zero-length retained PUBLISH had been sent to each topic, but
    /// without routing anything to subscribers). The host uses it when what the topics speak for is gone, e.g. a deleted
    /// device's <c>devices/{serial}/#</c>, so a later owner of the same name never receives them. Returns how many were
    /// deleted. Throws <see cref="ArgumentException"/> for an invalid filter.
    /// </summary>
    public int ClearRetained(string filter)
    {
        var matches = CollectRetained(filter);
        foreach (var message in matches)
        {
            var delete = CreateMessage(message.Topic, ReadOnlyMemory<byte>.Empty, MqttQualityOfService.AtMostOnce, true, null, null);
            _retained.Set(delete, int.MaxValue);
            List<Task>? ignored = null;
            PersistRetained(delete, ref ignored);
        }

        return matches.Count;
    }

    /// <summary>
    /// How many retained messages (not expired) have a topic matching <paramref name="filter"/> (wildcards allowed; a
    /// filter starting with <c>$SYS/</c> counts the broker's own statistics, which <c>#</c> alone never matches). Changes
    /// nothing but the removal of expired messages. Throws <see cref="ArgumentException"/> for an invalid filter.
    /// </summary>
    public int CountRetained(string filter) => CollectRetained(filter, NowTicks).Count;

    private List<MqttApplicationMessage> CollectRetained(string filter, long nowTicks = long.MinValue)
    {
        if (!Topics.MqttTopic.IsValidTopicFilter(filter))
        {
            throw new ArgumentException($"'{filter}' is not a valid topic filter.", nameof(filter));
        }

        var matches = new List<MqttApplicationMessage>();
        _retained.Collect(filter, nowTicks, matches);
        return matches;
    }
}
