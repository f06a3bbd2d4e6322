namespace EdgeConductor.Mqtt.Broker;

/// <summary>
/// Retained messages in a trie by topic level, so a wildcard subscription only walks the matching branches
/// (a literal level is one lookup, '+' visits that level's children, '#' the subtree). Guarded by one lock:
/// retained writes and subscribe-time reads are far rarer than routing.
/// </summary>
internal sealed class RetainedMessageStore
{
    private readonly RetainedNode _root = new();
    private readonly Lock _lock = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Stores, replaces or (empty payload) deletes. Returns false if a new topic would exceed <paramref name="limit"/>.</summary>
    public bool Set(MqttApplicationMessage message, int limit)
    {
        var topic = message.Topic.AsSpan();
        lock (_lock)
        {
            if (message.Payload.IsEmpty)
            {
                if (Remove(_root, topic))
                {
                    _count--;
                }

                return true;
            }

            var node = _root;
            var isNew = true;
            var existing = Find(topic);
            if (existing?.Message is not null)
            {
                isNew = false;
            }
            else if (_count >= limit)
            {
                return false;
            }

            foreach (var range in topic.Split('/'))
            {
                node = node.GetOrAdd(topic[range]);
            }

            node.Message = message;
            if (isNew)
            {
                _count++;
            }

            return true;
        }
    }

    public void Collect(string filter, long nowTicks, List<MqttApplicationMessage> results)
    {
        List<MqttApplicationMessage>? expired = null;
        lock (_lock)
        {
            Walk(_root, filter.AsSpan(), isRoot: true, nowTicks, results, ref expired);
        }

        if (expired is not null)
        {
            foreach (var message in expired)
            {
                RemoveIfSame(message);
            }
        }
    }

    private RetainedNode? Find(ReadOnlySpan<char> topic)
    {
        var node = _root;
        foreach (var range in topic.Split('/'))
        {
            node = node.Get(topic[range]);
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private void RemoveIfSame(MqttApplicationMessage message)
    {
        lock (_lock)
        {
            if (Find(message.Topic)?.Message == message && Remove(_root, message.Topic))
            {
                _count--;
            }
        }
    }

    private static bool Remove(RetainedNode node, ReadOnlySpan<char> rest)
    {
        var slash = rest.IndexOf('/');
        var level = slash < 0 ? rest : rest[..slash];
        var child = node.Get(level);
        if (child is null)
        {
            return false;
        }

        bool removed;
        if (slash < 0)
        {
            removed = child.Message is not null;
            child.Message = null;
        }
        else
        {
            removed = Remove(child, rest[(slash + 1)..]);
        }

        if (child.IsEmpty)
        {
            node.RemoveChild(level);
        }

        return removed;
    }

    private static void Walk(RetainedNode node, ReadOnlySpan<char> filter, bool isRoot, long now, List<MqttApplicationMessage> results, ref List<MqttApplicationMessage>? expired)
    {
        var slash = filter.IndexOf('/');
        var level = slash < 0 ? filter : filter[..slash];
        var rest = slash < 0 ? default : filter[(slash + 1)..];
        var last = slash < 0;

        if (level is "#")
        {
            // Matches this level's parent ("a/#" matches "a") and everything below, except $-topics at the root.
            if (!isRoot)
            {
                Add(node, now, results, ref expired);
            }

            AddSubtree(node, isRoot, now, results, ref expired);
            return;
        }

        if (level is "+")
        {
            if (node.Children is null)
            {
                return;
            }

            foreach (var (name, child) in node.Children)
            {
                if (isRoot && name.StartsWith('$'))
                {
                    continue;
                }

                Visit(child, rest, last, now, results, ref expired);
            }

            return;
        }

        if (node.Get(level) is { } literal)
        {
            Visit(literal, rest, last, now, results, ref expired);
        }
    }

    private static void Visit(RetainedNode child, ReadOnlySpan<char> rest, bool last, long now, List<MqttApplicationMessage> results, ref List<MqttApplicationMessage>? expired)
    {
        if (last)
        {
            Add(child, now, results, ref expired);
        }
        else
        {
            Walk(child, rest, isRoot: false, now, results, ref expired);
        }
    }

    private static void AddSubtree(RetainedNode node, bool isRoot, long now, List<MqttApplicationMessage> results, ref List<MqttApplicationMessage>? expired)
    {
        if (node.Children is null)
        {
            return;
        }

        foreach (var (name, child) in node.Children)
        {
            if (isRoot && name.StartsWith('$'))
            {
                continue;
            }

            Add(child, now, results, ref expired);
            AddSubtree(child, isRoot: false, now, results, ref expired);
        }
    }

    private static void Add(RetainedNode node, long now, List<MqttApplicationMessage> results, ref List<MqttApplicationMessage>? expired)
    {
        if (node.Message is not { } message)
        {
            return;
        }

        if (message.ExpiresAtTicks != 0 && message.ExpiresAtTicks <= now)
        {
            (expired ??= []).Add(message);
            return;
        }

        results.Add(message);
    }
}
