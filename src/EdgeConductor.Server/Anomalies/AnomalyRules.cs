namespace EdgeConductor.Server.Anomalies;

/// <summary>
/// The fixed rules of anomaly detection (seed 001 "Anomaly Detection"): a rolling mean over the last 29 readings is the
/// baseline; 20 % to 40 % deviation is a warning, 40 % and more is critical; 30 minutes of cooldown per device and field
/// (a warning that becomes critical is raised at once). The robust z-score thresholds follow Iglewicz and Hoaglin's
/// modified z-score (|z| &gt; 3.5 is an outlier).
/// </summary>
public static class AnomalyRules
{
    /// <summary>Readings in the rolling window (seed 001: "Rolling mean over last 29 readings").</summary>
    public const int WindowSize = 29;

    /// <summary>|deviation| at or above this percentage is a warning (seed 001).</summary>
    public const double WarningPct = 20;

    /// <summary>|deviation| at or above this percentage is critical (seed 001).</summary>
    public const double CriticalPct = 40;

    /// <summary>Reported deviation is clamped to ±this percentage (a baseline of 0 has no finite percentage).</summary>
    public const double MaxReportedPct = 1000;

    /// <summary>Modified z-score at or above which the robust detector warns.</summary>
    public const double ZScoreWarning = 3.5;

    /// <summary>Modified z-score at or above which the robust detector is critical.</summary>
    public const double ZScoreCritical = 7;

    /// <summary>Per device and field: no second alert of the same or lower severity within this time (seed 001).</summary>
    public static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(30);

    /// <summary>Severity names, lowest first.</summary>
    public const string Warning = "warning";

    /// <summary>Severity names, lowest first.</summary>
    public const string Critical = "critical";

    /// <summary>Detector names stored with each anomaly.</summary>
    public static class Detectors
    {
        /// <summary>Deviation from the mean of the last 29 readings (seed 001; always on).</summary>
        public const string RollingMean = "rolling_mean";

        /// <summary>Modified z-score against the median and MAD of the window (seed 003; per-org option).</summary>
        public const string RobustZScore = "robust_zscore";

        /// <summary>Change per minute since the previous reading above the field's limit (seed 003; per-org option).</summary>
        public const string RateOfChange = "rate_of_change";

        /// <summary>The value is below the field's absolute floor (battery: 3.5 V, seed 001), whatever the trend.</summary>
        public const string Floor = "floor";
    }

    /// <summary>1 for warning, 2 for critical, 0 otherwise.</summary>
    public static int Rank(string? severity) => severity switch { Critical => 2, Warning => 1, _ => 0 };
}
