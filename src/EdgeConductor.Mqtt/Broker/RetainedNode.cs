namespace EdgeConductor.Mqtt.Broker;

/// <summary>One topic level of the retained-message trie.</summary>
internal sealed class RetainedNode
{
    public Dictionary<string, RetainedNode>? Children { get; private set; }

    public MqttApplicationMessage? Message { get; set; }

    public bool IsEmpty => Message is null && (Children is null || Children.Count == 0);

    public RetainedNode? Get(ReadOnlySpan<char> level) =>
        Children is not null && Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(level, out var node) ? node : null;

    public RetainedNode GetOrAdd(ReadOnlySpan<char> level)
    {
        Children ??= new Dictionary<string, RetainedNode>(StringComparer.Ordinal);
        var lookup = Children.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(level, out var node))
        {
            node = new RetainedNode();
            lookup[level] = node;
        }

        return node;
    }

    public void RemoveChild(ReadOnlySpan<char> level) => Children?.GetAlternateLookup<ReadOnlySpan<char>>().Remove(level);
}
