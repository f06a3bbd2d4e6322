namespace EdgeConductor.Sdk.Telemetry;

/// <summary>The answer to <see cref="TelemetryClient.PushAsync"/>.</summary>
/// <param name="Ok">The reading (or every reading of an array) was accepted.</param>
/// <param name="Ts">The time the server stored it under (for an array: the newest reading's).</param>
/// <param name="Readings">How many readings the message carried.</param>
/// <param name="Duplicates">How many were re-sends of readings already stored (same ts and content), not stored again.</param>
public sealed record TelemetryPushResult(bool Ok, DateTimeOffset? Ts, int? Readings = null, int? Duplicates = null);
