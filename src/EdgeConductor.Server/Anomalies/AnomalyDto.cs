namespace EdgeConductor.Server.Anomalies;

/// <summary>
/// A stored anomaly as the API returns it (snake_case JSON). <c>ts</c> is the reading's time, <c>created_at</c> when it
/// was detected; <c>value</c> and <c>baseline</c> are in the field's unit; <c>deviation_pct</c> is signed (positive:
/// above the baseline); <c>severity</c> is warning or critical; <c>detector</c> one of
/// <see cref="AnomalyRules.Detectors"/>.
/// </summary>
public sealed record AnomalyDto(string Id, string OrgId, string Serial, string Field, double Value, double Baseline, double DeviationPct,
    string Severity, string Detector, DateTime Ts, DateTime CreatedAt, bool Acknowledged, string? AcknowledgedBy, DateTime? AcknowledgedAt);
