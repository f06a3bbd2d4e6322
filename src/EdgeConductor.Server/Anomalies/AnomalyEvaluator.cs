namespace EdgeConductor.Server.Anomalies;

/// <summary>
/// The detectors, as pure functions of a field's window (the readings before this one) and the new reading. The
/// most severe finding wins; on a tie the first in this order: rolling mean, robust z-score, rate of change, floor.
/// </summary>
public static class AnomalyEvaluator
{
    /// <summary>
    /// Evaluates <paramref name="value"/> read at <paramref name="ts"/> (Unix ms) against <paramref name="window"/>,
    /// which must not contain it yet. Returns null when nothing alerts.
    /// </summary>
    public static AnomalyFinding? Evaluate(ReadingWindow window, long ts, double value, FieldSettings field, AnomalySettings org)
    {
        AnomalyFinding? best = null;
        Consider(ref best, RollingMean(window, value, field));
        if (org.RobustZscore) Consider(ref best, RobustZScore(window, value, field));
        if (org.RateOfChange) Consider(ref best, RateOfChange(window, ts, value, field));
        Consider(ref best, Floor(window, value, field));
        return best;
    }

    /// <summary>Seed 001: deviation from the mean of the last 29 readings; nothing until the window is full.</summary>
    public static AnomalyFinding? RollingMean(ReadingWindow window, double value, FieldSettings field)
    {
        if (!window.IsFull) return null;
        var baseline = window.Mean();
        if (Math.Abs(value - baseline) < field.MinAbsChange) return null;
        var pct = DeviationPct(value, baseline);
        var abs = Math.Abs(pct);
        var severity = abs >= AnomalyRules.CriticalPct ? AnomalyRules.Critical : abs >= AnomalyRules.WarningPct ? AnomalyRules.Warning : null;
        return severity is null ? null : new AnomalyFinding(AnomalyRules.Detectors.RollingMean, severity, baseline, pct);
    }

    /// <summary>
    /// Modified z-score (x − median) / (1.4826 · MAD) over the full window; when the MAD is 0 (half the window equal) the
    /// mean absolute deviation · 1.2533 stands in; when that is 0 too, nothing can be scored. The minimum absolute
    /// change applies here as well.
    /// </summary>
    public static AnomalyFinding? RobustZScore(ReadingWindow window, double value, FieldSettings field)
    {
        if (!window.IsFull) return null;
        var median = window.Median();
        if (Math.Abs(value - median) < field.MinAbsChange) return null;
        var scale = 1.4826 * window.Mad(median);
        if (scale == 0) scale = 1.253314 * window.MeanAbsDeviation(median);
        if (scale == 0) return null;
        var z = Math.Abs(value - median) / scale;
        var severity = z >= AnomalyRules.ZScoreCritical ? AnomalyRules.Critical : z >= AnomalyRules.ZScoreWarning ? AnomalyRules.Warning : null;
        return severity is null ? null : new AnomalyFinding(AnomalyRules.Detectors.RobustZScore, severity, median, DeviationPct(value, median));
    }

    /// <summary>
    /// Change per minute since the previous reading: warning above the field's <see cref="FieldSettings.MaxRatePerMin"/>,
    /// critical above twice it. Fields without a limit, and readings at the same time as the previous one, are skipped.
    /// </summary>
    public static AnomalyFinding? RateOfChange(ReadingWindow window, long ts, double value, FieldSettings field)
    {
        if (field.MaxRatePerMin is not { } max || window.Newest is not { } prev || ts <= prev.Ts) return null;
        var change = value - prev.Value;
        if (Math.Abs(change) < field.MinAbsChange) return null;
        var rate = Math.Abs(change) / ((ts - prev.Ts) / 60_000.0);
        var severity = rate > 2 * max ? AnomalyRules.Critical : rate > max ? AnomalyRules.Warning : null;
        return severity is null ? null : new AnomalyFinding(AnomalyRules.Detectors.RateOfChange, severity, prev.Value, DeviationPct(value, prev.Value));
    }

    /// <summary>Seed 001 battery floor: critical whenever the value is below the field's floor, whatever the trend or window.</summary>
    public static AnomalyFinding? Floor(ReadingWindow window, double value, FieldSettings field)
    {
        if (field.Floor is not { } floor || value >= floor) return null;
        var baseline = window.Count > 0 ? window.Mean() : floor;
        return new AnomalyFinding(AnomalyRules.Detectors.Floor, AnomalyRules.Critical, baseline, DeviationPct(value, baseline));
    }

    /// <summary>(value − baseline) / |baseline| in percent, clamped to ±<see cref="AnomalyRules.MaxReportedPct"/>.</summary>
    public static double DeviationPct(double value, double baseline)
    {
        var diff = value - baseline;
        if (diff == 0) return 0;
        if (baseline == 0) return Math.Sign(diff) * AnomalyRules.MaxReportedPct;
        return Math.Clamp(diff / Math.Abs(baseline) * 100, -AnomalyRules.MaxReportedPct, AnomalyRules.MaxReportedPct);
    }

    private static void Consider(ref AnomalyFinding? best, AnomalyFinding? candidate)
    {
        if (candidate is not null && AnomalyRules.Rank(candidate.Severity) > AnomalyRules.Rank(best?.Severity)) best = candidate;
    }
}
