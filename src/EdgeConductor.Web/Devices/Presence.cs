namespace EdgeConductor.Web.Devices;

/// <summary>Online/offline as seed 001 "Device Registry" defines it: last seen less than 5 minutes ago.</summary>
public static class Presence
{
    /// <summary>The online window (seed 001: &lt; 5 min = online).</summary>
    public static readonly TimeSpan OnlineWindow = TimeSpan.FromMinutes(5);

    /// <summary>True when <paramref name="lastSeen"/> is less than 5 minutes before <paramref name="now"/>.</summary>
    public static bool IsOnline(DateTimeOffset? lastSeen, DateTimeOffset now) => lastSeen is { } seen && now - seen < OnlineWindow;
}
