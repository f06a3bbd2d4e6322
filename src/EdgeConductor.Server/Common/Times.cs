namespace EdgeConductor.Server.Common;

/// <summary>Conversions between stored Unix milliseconds and the API's ISO-8601 UTC times.</summary>
public static class Times
{
    public static long Ms(this TimeProvider clock) => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public static DateTime ToUtc(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;

    public static DateTime? ToUtc(long? ms) => ms is { } v ? ToUtc(v) : null;
}
