namespace EdgeConductor.Server.Common;

/// <summary>Conversions between stored Unix milliseconds and the API's ISO-8601 UTC times.</summary>
public static class Times
{
    public static long Ms(this TimeProvider clock) => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public static DateTime ToUtc(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;

    public static DateTime? ToUtc(long? ms) => ms is { } v ? ToUtc(v) : null;

    /// <summary>ISO-8601 UTC with milliseconds, the same form the JSON serializer writes: 2026-11-22T03:14:44.751Z.</summary>
    public static string Iso(long ms) =>
        ToUtc(ms).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
