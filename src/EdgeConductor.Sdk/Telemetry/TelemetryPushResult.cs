namespace EdgeConductor.Sdk.Telemetry;

/// <summary>The answer to <see cref="TelemetryClient.PushAsync"/>.</summary>
/// <param name="Ok">The reading was accepted.</param>
/// <param name="Ts">The time the server stored it under.</param>
public sealed record TelemetryPushResult(bool Ok, DateTimeOffset? Ts);
