namespace EdgeConductor.Server.Devices;

/// <summary>Online/offline rules (seed 001): online while last_seen is within 5 minutes.</summary>
public static class DevicePresence
{
    public static readonly TimeSpan OnlineWindow = TimeSpan.FromMinutes(5);

    /// <summary>"Active" in partner stats: seen within the last 24 hours.</summary>
    public static readonly TimeSpan ActiveWindow = TimeSpan.FromHours(24);

    public static bool IsOnline(long? lastSeenMs, long nowMs) =>
        lastSeenMs is { } seen && nowMs - seen < (long)OnlineWindow.TotalMilliseconds;
}
