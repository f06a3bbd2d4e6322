namespace EdgeConductor.Sdk.Telemetry;

/// <summary>
/// The bucket sizes the aggregate endpoint accepts (<c>interval</c>: 1m, 5m, 15m, 1h, 6h, 1d) and the choice of one for a
/// chart: the finest bucket that keeps a range within a point budget, so a 7-day chart never ships raw readings.
/// </summary>
public static class AggregateInterval
{
    /// <summary>The intervals, finest first, with their length.</summary>
    public static IReadOnlyList<(string Name, TimeSpan Length)> All { get; } =
    [
        ("1m", TimeSpan.FromMinutes(1)), ("5m", TimeSpan.FromMinutes(5)), ("15m", TimeSpan.FromMinutes(15)),
        ("1h", TimeSpan.FromHours(1)), ("6h", TimeSpan.FromHours(6)), ("1d", TimeSpan.FromDays(1)),
    ];

    /// <summary>
    /// The finest interval whose bucket count over <paramref name="range"/> is at most <paramref name="maxPoints"/>
    /// (1h → 1m: 60 points; 24h → 1m: 1,440; 7d → 15m: 672, since 5m would give 2,016); the coarsest (1d) when none fits.
    /// </summary>
    public static string For(TimeSpan range, int maxPoints = 2000)
    {
        if (range <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(range), range, "range must be positive.");
        if (maxPoints < 1) throw new ArgumentOutOfRangeException(nameof(maxPoints), maxPoints, "maxPoints must be at least 1.");
        foreach (var (name, length) in All)
            if (Math.Ceiling(range / length) <= maxPoints) return name;
        return All[^1].Name;
    }
}
