using System.Collections.Concurrent;
using EdgeConductor.Mqtt.Topics;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>Retained messages by topic. Exact filters are a hash lookup; wildcard filters scan the store.</summary>
internal sealed class RetainedMessageStore
{
    private readonly ConcurrentDictionary<string, MqttApplicationMessage> _messages = new(StringComparer.Ordinal);

    public int Count => _messages.Count;

    /// <summary>Stores, replaces or (empty payload) deletes. Returns false if a new topic would exceed <paramref name="limit"/>.</summary>
    public bool Set(MqttApplicationMessage message, int limit)
    {
        if (message.Payload.IsEmpty)
        {
            _messages.TryRemove(message.Topic, out _);
            return true;
        }

        if (_messages.Count >= limit && !_messages.ContainsKey(message.Topic))
        {
            return false;
        }

        _messages[message.Topic] = message;
        return true;
    }

    public void Collect(string filter, long nowTicks, List<MqttApplicationMessage> results)
    {
        if (!MqttTopic.HasWildcards(filter))
        {
            if (_messages.TryGetValue(filter, out var exact))
            {
                AddIfLive(exact, nowTicks, results);
            }

            return;
        }

        foreach (var (topic, message) in _messages)
        {
            if (MqttTopic.Matches(filter, topic))
            {
                AddIfLive(message, nowTicks, results);
            }
        }
    }

    private void AddIfLive(MqttApplicationMessage message, long nowTicks, List<MqttApplicationMessage> results)
    {
        if (message.ExpiresAtTicks != 0 && message.ExpiresAtTicks <= nowTicks)
        {
            _messages.TryRemove(new KeyValuePair<string, MqttApplicationMessage>(message.Topic, message));
            return;
        }

        results.Add(message);
    }
}
