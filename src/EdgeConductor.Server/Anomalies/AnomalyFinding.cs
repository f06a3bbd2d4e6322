namespace EdgeConductor.Server.Anomalies;

/// <summary>
/// What a detector concluded about one reading: <paramref name="Baseline"/> is what the value was compared with (the
/// window mean, its median, or the previous reading), <paramref name="DeviationPct"/> the signed deviation from it in
/// percent (positive: above), clamped to ±<see cref="AnomalyRules.MaxReportedPct"/>.
/// </summary>
public sealed record AnomalyFinding(string Detector, string Severity, double Baseline, double DeviationPct);
