namespace EdgeConductor.Sdk.Telemetry;

/// <summary>One time bucket of <c>GET /devices/{serial}/telemetry/aggregate</c> for one metric.</summary>
/// <param name="Ts">The start of the bucket (UTC).</param>
/// <param name="Avg">The mean of the metric's readings in the bucket (booleans count as 1/0).</param>
/// <param name="Min">The smallest reading.</param>
/// <param name="Max">The largest reading.</param>
/// <param name="Count">How many readings had the metric.</param>
public sealed record TelemetryBucket(DateTimeOffset Ts, double? Avg, double? Min, double? Max, long Count);
