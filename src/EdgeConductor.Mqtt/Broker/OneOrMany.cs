namespace EdgeConductor.Mqtt.Broker;

/// <summary>
/// A set kept as its only item while it has one, as a <see cref="HashSet{T}"/> from the second on: most owners (a device)
/// hold one session, and an empty set plus its arrays cost 136 bytes per idle connection (docs/mqtt-server.md,
/// "Memory per idle connection"). Items are compared by reference. Not thread-safe; the caller locks.
/// </summary>
public static class OneOrMany
{
    /// <summary>Adds <paramref name="item"/> to the set stored under <paramref name="key"/>.</summary>
    public static void Add<TKey, T>(Dictionary<TKey, object> map, TKey key, T item)
        where TKey : notnull
        where T : class
    {
        if (!map.TryGetValue(key, out var value))
        {
            map[key] = item;
        }
        else if (value is HashSet<T> set)
        {
            set.Add(item);
        }
        else if (!ReferenceEquals(value, item))
        {
            map[key] = new HashSet<T>(ReferenceEqualityComparer.Instance) { (T)value, item };
        }
    }

    /// <summary>Removes <paramref name="item"/>; the key goes when its set is empty. True when it was there.</summary>
    public static bool Remove<TKey, T>(Dictionary<TKey, object> map, TKey key, T item)
        where TKey : notnull
        where T : class
    {
        if (!map.TryGetValue(key, out var value))
        {
            return false;
        }

        if (value is HashSet<T> set)
        {
            if (!set.Remove(item))
            {
                return false;
            }

            if (set.Count == 0)
            {
                map.Remove(key);
            }

            return true;
        }

        if (!ReferenceEquals(value, item))
        {
            return false;
        }

        map.Remove(key);
        return true;
    }

    /// <summary>How many items a stored value holds (0 for null).</summary>
    public static int Count<T>(object? value)
        where T : class => value switch
    {
        null => 0,
        HashSet<T> set => set.Count,
        _ => 1,
    };

    /// <summary>The items of a stored value (a snapshot: safe to change the map while iterating).</summary>
    public static T[] ToArray<T>(object? value)
        where T : class => value switch
    {
        null => [],
        HashSet<T> set => [.. set],
        _ => [(T)value],
    };
}
