namespace EdgeConductor.Mqtt.Topics;

/// <summary>Members of one <c>$share/{group}/{filter}</c>; messages go to one member, round-robin.</summary>
internal sealed class SharedSubscriptionGroup<TKey, T>
    where TKey : notnull
    where T : class
{
    private readonly List<KeyValuePair<TKey, T>> _members = [];
    private int _next = -1;

    public SharedSubscriptionGroup(string name, string filter)
    {
        Name = name;
        Filter = filter;
    }

    public string Name { get; }

    public string Filter { get; }

    public int Count => _members.Count;

    internal bool Set(TKey key, T value)
    {
        for (var i = 0; i < _members.Count; i++)
        {
            if (EqualityComparer<TKey>.Default.Equals(_members[i].Key, key))
            {
                _members[i] = new(key, value);
                return false;
            }
        }

        _members.Add(new(key, value));
        return true;
    }

    internal bool Remove(TKey key)
    {
        var index = _members.FindIndex(m => EqualityComparer<TKey>.Default.Equals(m.Key, key));
        if (index < 0)
        {
            return false;
        }

        _members.RemoveAt(index);
        return true;
    }

    /// <summary>Round-robin pick; prefers members satisfying <paramref name="prefer"/> (e.g. online ones).</summary>
    internal T? Pick(Func<T, bool>? prefer)
    {
        var count = _members.Count;
        if (count == 0)
        {
            return null;
        }

        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)count);
        if (prefer is null)
        {
            return _members[start].Value;
        }

        for (var i = 0; i < count; i++)
        {
            var candidate = _members[(start + i) % count].Value;
            if (prefer(candidate))
            {
                if (i > 0)
                {
                    Interlocked.Add(ref _next, i);
                }

                return candidate;
            }
        }

        return _members[start].Value;
    }
}
