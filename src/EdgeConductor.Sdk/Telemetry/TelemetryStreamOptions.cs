namespace EdgeConductor.Sdk.Telemetry;

/// <summary>How <see cref="TelemetryClient.StreamAsync"/> follows a device.</summary>
public sealed record TelemetryStreamOptions
{
    /// <summary>
    /// The polling interval when the server-sent event stream is not available, and the wait before reconnecting a
    /// dropped stream. Default 5 seconds.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Use the server-sent event stream (<c>GET /devices/{serial}/stream</c>); false always polls. Default true.</summary>
    public bool UseServerSentEvents { get; init; } = true;

    /// <summary>First yield the latest stored reading, if there is one. Default true.</summary>
    public bool IncludeLatest { get; init; } = true;
}
