namespace EdgeConductor.Server.Presence;

public sealed class PresenceOptions
{
    /// <summary>Silence after which a device gets one offline alert (seed 001: 15 minutes).</summary>
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the detector looks.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
