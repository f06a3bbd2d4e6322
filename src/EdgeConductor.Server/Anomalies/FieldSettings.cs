namespace EdgeConductor.Server.Anomalies;

/// <summary>
/// How one numeric telemetry field is watched. <paramref name="MinAbsChange"/>: the smallest absolute difference from
/// the baseline that may alert (in the field's own unit), so a baseline near zero cannot turn noise into huge
/// percentages. <paramref name="Floor"/>: alert (critical) whenever the value is below it, whatever the trend (battery:
/// 3.5 V, seed 001). <paramref name="MaxRatePerMin"/>: the rate-of-change detector's limit in units per minute (warning
/// above it, critical above twice it); null leaves the field out of that detector.
/// </summary>
public sealed record FieldSettings(double MinAbsChange, double? Floor = null, double? MaxRatePerMin = null);
