namespace EdgeConductor.Mqtt.Topics;

/// <summary>Topic name / topic filter validation and matching rules (MQTT 4.7).</summary>
public static class MqttTopic
{
    public const string SharePrefix = "$share/";

    /// <summary>A topic name must be non-empty and contain no wildcard characters.</summary>
    public static bool IsValidTopicName(ReadOnlySpan<char> topic) =>
        !topic.IsEmpty && topic.IndexOfAny('+', '#') < 0;

    /// <summary>Validates a (possibly shared) topic filter.</summary>
    public static bool IsValidTopicFilter(string filter)
    {
        if (filter.StartsWith(SharePrefix, StringComparison.Ordinal))
        {
            return TryParseShared(filter, out _, out _);
        }

        return IsValidPlainFilter(filter);
    }

    public static bool IsShared(string filter) => filter.StartsWith(SharePrefix, StringComparison.Ordinal);

    /// <summary>Splits <c>$share/{group}/{filter}</c>. Returns false if it is not a valid shared filter.</summary>
    public static bool TryParseShared(string filter, out string group, out string innerFilter)
    {
        group = "";
        innerFilter = "";
        if (!filter.StartsWith(SharePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = filter.AsSpan(SharePrefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var groupSpan = rest[..slash];
        if (groupSpan.IndexOfAny('+', '#') >= 0)
        {
            return false;
        }

        var inner = rest[(slash + 1)..];
        if (inner.IsEmpty || !IsValidPlainFilter(inner))
        {
            return false;
        }

        group = groupSpan.ToString();
        innerFilter = inner.ToString();
        return true;
    }

    public static bool HasWildcards(ReadOnlySpan<char> filter) => filter.IndexOfAny('+', '#') >= 0;

    private static bool IsValidPlainFilter(ReadOnlySpan<char> filter)
    {
        if (filter.IsEmpty)
        {
            return false;
        }

        for (var i = 0; i < filter.Length; i++)
        {
            var c = filter[i];
            if (c == '+')
            {
                if ((i > 0 && filter[i - 1] != '/') || (i < filter.Length - 1 && filter[i + 1] != '/'))
                {
                    return false;
                }
            }
            else if (c == '#')
            {
                if (i != filter.Length - 1 || (i > 0 && filter[i - 1] != '/'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Reference matcher (non-shared filter against a topic name), including the <c>$</c> rule.</summary>
    public static bool Matches(ReadOnlySpan<char> filter, ReadOnlySpan<char> topic)
    {
        if (!topic.IsEmpty && topic[0] == '$' && !filter.IsEmpty && (filter[0] == '+' || filter[0] == '#'))
        {
            return false;
        }

        while (true)
        {
            var fSlash = filter.IndexOf('/');
            var fLevel = fSlash < 0 ? filter : filter[..fSlash];
            if (fLevel.Length == 1 && fLevel[0] == '#')
            {
                return true;
            }

            var tSlash = topic.IndexOf('/');
            var tLevel = tSlash < 0 ? topic : topic[..tSlash];
            if (!(fLevel.Length == 1 && fLevel[0] == '+') && !fLevel.SequenceEqual(tLevel))
            {
                return false;
            }

            if (fSlash < 0 || tSlash < 0)
            {
                if (fSlash < 0 && tSlash < 0)
                {
                    return true;
                }

                // "a/#" matches "a" (parent level).
                return tSlash < 0 && filter[(fSlash + 1)..] is "#";
            }

            filter = filter[(fSlash + 1)..];
            topic = topic[(tSlash + 1)..];
        }
    }
}
