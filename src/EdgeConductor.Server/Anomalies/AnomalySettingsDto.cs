namespace EdgeConductor.Server.Anomalies;

/// <summary>
/// <c>GET/PATCH /orgs/:id/anomaly-settings</c>: <c>fields</c> maps each monitored field to its
/// <c>min_abs_change</c>, <c>floor</c> and <c>max_rate_per_min</c>; <c>robust_zscore</c> and <c>rate_of_change</c>
/// switch those detectors on. The fixed rules are echoed read-only: window size, warning/critical percentages and the
/// cooldown in minutes.
/// </summary>
public sealed record AnomalySettingsDto(string OrgId, IReadOnlyDictionary<string, FieldSettings> Fields, bool RobustZscore, bool RateOfChange,
    int WindowSize, double WarningPct, double CriticalPct, double CooldownMinutes)
{
    /// <summary>The DTO of an org's settings.</summary>
    public static AnomalySettingsDto From(string orgId, AnomalySettings s) => new(orgId, s.Fields, s.RobustZscore, s.RateOfChange,
        AnomalyRules.WindowSize, AnomalyRules.WarningPct, AnomalyRules.CriticalPct, AnomalyRules.Cooldown.TotalMinutes);
}
