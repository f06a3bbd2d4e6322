namespace EdgeConductor.Mqtt.Broker;

/// <summary>
/// Server → client topic aliases of one connection (MQTT 5.0 §3.3.2.3.4): a least-recently-used map of at most
/// <c>capacity</c> topics to aliases 1..capacity. The first PUBLISH of a topic carries the topic and its new alias, later
/// ones only the alias (an empty topic name). When all aliases are taken, the least recently used topic gives up its
/// alias to the new one (the rebinding PUBLISH carries the topic again, MQTT-3.3.2-12). Created on the first message of a
/// connection that announced Topic Alias Maximum &gt; 0; used by the output loop only (not thread-safe).
/// </summary>
internal sealed class OutboundTopicAliases
{
    private readonly int _capacity;
    private readonly Dictionary<string, LinkedListNode<(string Topic, ushort Alias)>> _byTopic = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Topic, ushort Alias)> _recency = new();

    /// <param name="capacity">The client's Topic Alias Maximum, possibly lowered by the broker (1..65535).</param>
    public OutboundTopicAliases(int capacity)
    {
        _capacity = Math.Clamp(capacity, 1, ushort.MaxValue);
    }

    /// <summary>Number of topics that currently hold an alias.</summary>
    public int Count => _byTopic.Count;

    /// <summary>
    /// The alias for <paramref name="topic"/>. <paramref name="known"/> is true when the client already has the mapping
    /// (send only the alias), false when it was just (re)assigned (send the topic and the alias).
    /// </summary>
    public ushort Resolve(string topic, out bool known)
    {
        if (_byTopic.TryGetValue(topic, out var node))
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
            known = true;
            return node.Value.Alias;
        }

        known = false;
        ushort alias;
        if (_byTopic.Count < _capacity)
        {
            alias = (ushort)(_byTopic.Count + 1);
        }
        else
        {
            var oldest = _recency.Last!;
            _recency.RemoveLast();
            _byTopic.Remove(oldest.Value.Topic);
            alias = oldest.Value.Alias;
        }

        _byTopic[topic] = _recency.AddFirst((topic, alias));
        return alias;
    }
}
