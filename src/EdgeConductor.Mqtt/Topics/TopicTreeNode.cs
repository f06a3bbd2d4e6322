namespace EdgeConductor.Mqtt.Topics;

/// <summary>One level of the subscription trie. Subscribers are keyed by <typeparamref name="TKey"/> (the broker: its session object).</summary>
internal sealed class TopicTreeNode<TKey, T>
    where TKey : notnull
    where T : class
{
    public Dictionary<string, TopicTreeNode<TKey, T>>? Children;
    public TopicTreeNode<TKey, T>? Plus;
    public TopicTreeNode<TKey, T>? Hash;
    public Dictionary<TKey, T>? Subscribers;
    public Dictionary<string, SharedSubscriptionGroup<TKey, T>>? Groups;

    public bool IsEmpty =>
        (Children is null || Children.Count == 0) && Plus is null && Hash is null &&
        (Subscribers is null || Subscribers.Count == 0) && (Groups is null || Groups.Count == 0);

    public TopicTreeNode<TKey, T>? Child(ReadOnlySpan<char> level)
    {
        if (level.Length == 1)
        {
            if (level[0] == '+')
            {
                return Plus;
            }

            if (level[0] == '#')
            {
                return Hash;
            }
        }

        if (Children is null)
        {
            return null;
        }

        return Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(level, out var node) ? node : null;
    }

    public TopicTreeNode<TKey, T> GetOrAddChild(ReadOnlySpan<char> level)
    {
        if (level is "+")
        {
            return Plus ??= new();
        }

        if (level is "#")
        {
            return Hash ??= new();
        }

        Children ??= new(StringComparer.Ordinal);
        var lookup = Children.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(level, out var node))
        {
            node = new();
            lookup[level] = node;
        }

        return node;
    }

    public void RemoveChild(ReadOnlySpan<char> level)
    {
        if (level is "+")
        {
            Plus = null;
        }
        else if (level is "#")
        {
            Hash = null;
        }
        else
        {
            Children?.GetAlternateLookup<ReadOnlySpan<char>>().Remove(level);
        }
    }
}
