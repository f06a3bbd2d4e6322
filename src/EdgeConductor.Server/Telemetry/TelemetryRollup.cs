using System.Text.Json;

namespace EdgeConductor.Server.Telemetry;

/// <summary>
/// count/sum/min/max of some values of one metric. The sum is compensated (Kahan–Babuška–Neumaier, the algorithm of
/// SQLite's own SUM/AVG): <see cref="Sum"/> + <see cref="Err"/> carries about twice double precision, so adding partial
/// sums (per-minute rollups, then raw rows) in whatever order gives the average a single pass over the raw values gives,
/// to the last bit in all but contrived cases (and never worse than PostgreSQL's plain float AVG).
/// </summary>
internal struct RollupCell
{
    public long Count;
    public double Sum;
    public double Err;
    public double Min;
    public double Max;

    /// <summary>The average as SQLite computes it from the same state: (sum + error) / count.</summary>
    public readonly double Average => (double.IsFinite(Err) ? Sum + Err : Sum) / Count;

    public void Add(double value)
    {
        Extremes(value, value);
        Count++;
        AddToSum(value);
    }

    /// <summary>Adds another cell (a rollup row): its count, compensated sum and extremes.</summary>
    public void Merge(long count, double sum, double err, double min, double max)
    {
        if (count == 0) return;
        Extremes(min, max);
        Count += count;
        AddToSum(sum);
        Err += err;
    }

    public void Merge(in RollupCell other) => Merge(other.Count, other.Sum, other.Err, other.Min, other.Max);

    private void Extremes(double min, double max)
    {
        if (Count == 0)
        {
            (Min, Max) = (min, max);
            return;
        }
        if (min < Min) Min = min;
        if (max > Max) Max = max;
    }

    private void AddToSum(double r)
    {
        var s = Sum;
        var t = s + r;
        Err += Math.Abs(s) > Math.Abs(r) ? (s - t) + r : (r - t) + s;
        Sum = t;
    }
}

/// <summary>Which rollup row a value goes to. <see cref="OrgKey"/> is the row's org_id, "" for none.</summary>
internal readonly record struct RollupKey(string DeviceId, string Metric, long Minute, string OrgKey);

internal static class TelemetryRollup
{
    public const long MinuteMs = 60_000;

    /// <summary>The start of the minute <paramref name="ms"/> is in (floor, also before 1970).</summary>
    public static long FloorToMinute(long ms) => ms - (((ms % MinuteMs) + MinuteMs) % MinuteMs);

    /// <summary>The first minute boundary at or after <paramref name="ms"/>.</summary>
    public static long CeilToMinute(long ms)
    {
        var floor = FloorToMinute(ms);
        return floor == ms ? ms : floor + MinuteMs;
    }

    /// <summary>
    /// Appends (name, value) for every top-level member of a stored payload whose value is a JSON number or boolean: the
    /// values the aggregate counts (<c>SqlDialect.JsonNumber</c>).
    /// Booleans count as 1 (true) and 0 (false), like there, so a boolean's average is its share of true; strings, nulls,
    /// objects and arrays are skipped. A zero is reported as +0: SQLite reads the stored "-0" as the
    /// integer 0 and PostgreSQL's numeric has no negative zero.
    /// </summary>
    public static void ReadNumbers(ReadOnlySpan<byte> utf8Payload, List<(string Metric, double Value)> into)
    {
        var reader = new Utf8JsonReader(utf8Payload);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            if (!reader.Read()) return;
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    if (reader.TryGetDouble(out var value) && double.IsFinite(value)) into.Add((name, value == 0 ? 0d : value));
                    break;
                case JsonTokenType.True:
                    into.Add((name, 1d));
                    break;
                case JsonTokenType.False:
                    into.Add((name, 0d));
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    reader.Skip(); // a nested value is never a metric
                    break;
            }
        }
    }
}
