namespace EdgeConductor.Mqtt.Topics;

/// <summary>One level of the subscription trie.</summary>
internal sealed class TopicTreeNode<T>
    where T : class
{
    public Dictionary<string, TopicTreeNode<T>>? Children;
    public TopicTreeNode<T>? Plus;
    public TopicTreeNode<T>? Hash;
    public Dictionary<string, T>? Subscribers;
    public Dictionary<string, SharedSubscriptionGroup<T>>? Groups;

    public bool IsEmpty =>
        (Children is null || Children.Count == 0) && Plus is null && Hash is null &&
        (Subscribers is null || Subscribers.Count == 0) && (Groups is null || Groups.Count == 0);

    public TopicTreeNode<T>? Child(ReadOnlySpan<char> level)
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

    public TopicTreeNode<T> GetOrAddChild(ReadOnlySpan<char> level)
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
