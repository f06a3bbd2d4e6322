namespace EdgeConductor.Sdk.Anomalies;

/// <summary>An anomaly the server detected in a device's telemetry (seed 001 "Anomaly Detection").</summary>
/// <param name="Id">The anomaly's id.</param>
/// <param name="OrgId">The org of the device when it was detected.</param>
/// <param name="Serial">The device's serial number.</param>
/// <param name="Field">The telemetry field, e.g. <c>temp</c>.</param>
/// <param name="Value">The reading, in the field's unit.</param>
/// <param name="Baseline">What it was compared with (the rolling mean of the 29 readings before it, for <c>rolling_mean</c>).</param>
/// <param name="DeviationPct">Signed deviation from the baseline in percent (positive: above).</param>
/// <param name="Severity"><c>warning</c> (20–40 %) or <c>critical</c> (40 % and more, or below a floor).</param>
/// <param name="Detector"><c>rolling_mean</c>, <c>robust_zscore</c>, <c>rate_of_change</c> or <c>floor</c>.</param>
/// <param name="Ts">The reading's time.</param>
/// <param name="CreatedAt">When it was detected.</param>
/// <param name="Acknowledged">Whether someone acknowledged it.</param>
/// <param name="AcknowledgedBy">The user or API key id that acknowledged it.</param>
/// <param name="AcknowledgedAt">When it was acknowledged.</param>
public sealed record Anomaly(string Id, string OrgId, string Serial, string Field, double Value, double Baseline, double DeviationPct,
    string Severity, string Detector, DateTimeOffset Ts, DateTimeOffset CreatedAt, bool Acknowledged, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt);
