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

    /// <summary>
    /// Called for every reading the stream sees, also one whose values did not change (which is not yielded): its time,
    /// and whether it changed. A watcher uses it as a heartbeat ("last reading at …"). Called on the enumerating thread.
    /// </summary>
    public Action<TelemetryHeartbeat>? OnHeartbeat { get; init; }

    /// <summary>
    /// Called when the live stream dropped or the server could not be reached and the stream will retry after
    /// <see cref="PollInterval"/>; the text says what happened. Called on the enumerating thread.
    /// </summary>
    public Action<string>? OnReconnecting { get; init; }
}

/// <summary>A reading seen by <see cref="TelemetryClient.StreamAsync"/>: its time, and whether its values changed.</summary>
public readonly record struct TelemetryHeartbeat(DateTimeOffset LastReading, bool Changed);
