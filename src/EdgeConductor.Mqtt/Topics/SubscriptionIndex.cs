namespace EdgeConductor.Mqtt.Topics;

/// <summary>
/// Trie of topic filters by level. Matching walks at most the literal, '+' and '#' branches per topic level,
/// so lookup cost depends on the topic depth and the matching filters, not on the total subscription count.
/// Thread-safe: matching takes a read lock, changes a write lock.
/// </summary>
/// <typeparam name="TKey">Who holds a subscription: one entry per key and filter (the broker keys by its session object, so
/// two sessions with the same client id but different owners never share an entry).</typeparam>
/// <typeparam name="T">Subscriber payload (the broker stores its subscription record).</typeparam>
internal sealed class SubscriptionIndex<TKey, T>
    where TKey : notnull
    where T : class
{
    private readonly TopicTreeNode<TKey, T> _root = new();
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds or replaces the subscription of <paramref name="key"/> (the subscriber) to <paramref name="filter"/>.</summary>
    /// <returns>True if it is new, false if it replaced an existing one.</returns>
    public bool Add(string filter, TKey key, T value)
    {
        var shared = MqttTopic.TryParseShared(filter, out var group, out var inner);
        var path = shared ? inner : filter;
        _lock.EnterWriteLock();
        try
        {
            var node = _root;
            foreach (var range in path.AsSpan().Split('/'))
            {
                node = node.GetOrAddChild(path.AsSpan()[range]);
            }

            bool added;
            if (shared)
            {
                node.Groups ??= new(StringComparer.Ordinal);
                if (!node.Groups.TryGetValue(group, out var g))
                {
                    g = new SharedSubscriptionGroup<TKey, T>(group, inner);
                    node.Groups[group] = g;
                }

                added = g.Set(key, value);
            }
            else
            {
                node.Subscribers ??= new();
                added = node.Subscribers.TryAdd(key, value);
                if (!added)
                {
                    node.Subscribers[key] = value;
                }
            }

            if (added)
            {
                _count++;
            }

            return added;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public bool Remove(string filter, TKey key)
    {
        var shared = MqttTopic.TryParseShared(filter, out var group, out var inner);
        var path = shared ? inner : filter;
        _lock.EnterWriteLock();
        try
        {
            var removed = RemoveRecursive(_root, path.AsSpan(), shared ? group : null, key);
            if (removed)
            {
                _count--;
            }

            return removed;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private static bool RemoveRecursive(TopicTreeNode<TKey, T> node, ReadOnlySpan<char> rest, string? group, TKey key)
    {
        var slash = rest.IndexOf('/');
        var level = slash < 0 ? rest : rest[..slash];
        var child = node.Child(level);
        if (child is null)
        {
            return false;
        }

        bool removed;
        if (slash < 0)
        {
            if (group is not null)
            {
                removed = false;
                if (child.Groups is not null && child.Groups.TryGetValue(group, out var g))
                {
                    removed = g.Remove(key);
                    if (g.Count == 0)
                    {
                        child.Groups.Remove(group);
                    }
                }
            }
            else
            {
                removed = child.Subscribers?.Remove(key) ?? false;
            }
        }
        else
        {
            removed = RemoveRecursive(child, rest[(slash + 1)..], group, key);
        }

        if (child.IsEmpty)
        {
            node.RemoveChild(level);
        }

        return removed;
    }

    /// <summary>
    /// Appends every matching non-shared subscription to <paramref name="results"/> and one member (round-robin)
    /// of every matching shared group to <paramref name="sharedResults"/>.
    /// </summary>
    public void Match(string topic, List<T> results, List<T>? sharedResults = null, Func<T, bool>? preferShared = null)
    {
        _lock.EnterReadLock();
        try
        {
            var dollar = topic.Length > 0 && topic[0] == '$';
            MatchLevel(_root, topic.AsSpan(), results, sharedResults, preferShared, dollar);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private static void MatchLevel(TopicTreeNode<TKey, T> node, ReadOnlySpan<char> rest, List<T> results, List<T>? shared, Func<T, bool>? prefer, bool noWildcard)
    {
        var slash = rest.IndexOf('/');
        var level = slash < 0 ? rest : rest[..slash];
        var tail = slash < 0 ? default : rest[(slash + 1)..];
        var last = slash < 0;

        if (!noWildcard)
        {
            if (node.Hash is { } hash)
            {
                Collect(hash, results, shared, prefer);
            }

            if (node.Plus is { } plus)
            {
                Descend(plus, tail, last, results, shared, prefer);
            }
        }

        if (node.Children is { } children && children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(level, out var child))
        {
            Descend(child, tail, last, results, shared, prefer);
        }
    }

    private static void Descend(TopicTreeNode<TKey, T> child, ReadOnlySpan<char> tail, bool last, List<T> results, List<T>? shared, Func<T, bool>? prefer)
    {
        if (last)
        {
            Collect(child, results, shared, prefer);

            // "a/#" also matches "a".
            if (child.Hash is { } hash)
            {
                Collect(hash, results, shared, prefer);
            }
        }
        else
        {
            MatchLevel(child, tail, results, shared, prefer, noWildcard: false);
        }
    }

    private static void Collect(TopicTreeNode<TKey, T> node, List<T> results, List<T>? shared, Func<T, bool>? prefer)
    {
        if (node.Subscribers is { Count: > 0 } subscribers)
        {
            foreach (var s in subscribers.Values)
            {
                results.Add(s);
            }
        }

        if (shared is not null && node.Groups is { Count: > 0 } groups)
        {
            foreach (var g in groups.Values)
            {
                if (g.Pick(prefer) is { } member)
                {
                    shared.Add(member);
                }
            }
        }
    }
}
