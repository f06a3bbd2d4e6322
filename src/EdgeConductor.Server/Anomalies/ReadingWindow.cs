namespace EdgeConductor.Server.Anomalies;

/// <summary>
/// The last <see cref="AnomalyRules.WindowSize"/> readings of one device field, in reading-time order. Every accepted
/// reading enters it, anomalous ones included, so after a sustained change of level the baseline follows the new level
/// and stops alerting (docs/anomalies.md). Not thread-safe: one worker owns all windows.
/// </summary>
public sealed class ReadingWindow
{
    private readonly List<(long Ts, double Value)> _items = new(AnomalyRules.WindowSize + 1);

    /// <summary>How many readings the window holds (at most <see cref="AnomalyRules.WindowSize"/>).</summary>
    public int Count => _items.Count;

    /// <summary>True once the window holds <see cref="AnomalyRules.WindowSize"/> readings.</summary>
    public bool IsFull => _items.Count >= AnomalyRules.WindowSize;

    /// <summary>The newest reading, if any.</summary>
    public (long Ts, double Value)? Newest => _items.Count == 0 ? null : _items[^1];

    /// <summary>True if this exact reading (same time and value) is already in the window: a re-sent duplicate.</summary>
    public bool Contains(long ts, double value) => _items.Exists(i => i.Ts == ts && i.Value.Equals(value));

    /// <summary>Adds a reading at its place in time order and drops the oldest beyond the window size.</summary>
    public void Add(long ts, double value)
    {
        var at = _items.Count;
        while (at > 0 && _items[at - 1].Ts > ts) at--;
        _items.Insert(at, (ts, value));
        if (_items.Count > AnomalyRules.WindowSize) _items.RemoveAt(0);
    }

    /// <summary>Arithmetic mean of the window (0 when empty).</summary>
    public double Mean()
    {
        if (_items.Count == 0) return 0;
        double sum = 0;
        foreach (var i in _items) sum += i.Value;
        return sum / _items.Count;
    }

    /// <summary>Median of the window (0 when empty).</summary>
    public double Median() => MedianOf(_items.Select(i => i.Value));

    /// <summary>Median absolute deviation from <paramref name="median"/>.</summary>
    public double Mad(double median) => MedianOf(_items.Select(i => Math.Abs(i.Value - median)));

    /// <summary>Mean absolute deviation from <paramref name="median"/> (the MAD's fallback when half the values are equal).</summary>
    public double MeanAbsDeviation(double median) => _items.Count == 0 ? 0 : _items.Average(i => Math.Abs(i.Value - median));

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return 0;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
