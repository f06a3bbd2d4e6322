using EdgeConductor.Server.Anomalies;

namespace EdgeConductor.Platform.Tests.Anomalies;

/// <summary>The detectors as pure functions, against hand-computed medians, MADs and rates.</summary>
public sealed class AnomalyEvaluatorTests
{
    private static readonly FieldSettings Temp = new(1.0);

    private static ReadingWindow Window(params (int Count, double Value)[] runs)
    {
        var w = new ReadingWindow();
        long ts = 0;
        foreach (var (count, value) in runs)
            for (var i = 0; i < count; i++) w.Add(ts += 60_000, value);
        return w;
    }

    [Fact]
    public void RobustZScore_CatchesASmallJumpOnAQuietSignal_ThatTheRollingMeanMisses()
    {
        // 14 × 99.9, 100, 14 × 100.1: median 100, MAD 0.1, scale 1.4826 × 0.1; 102 → z = 2 / 0.14826 = 13.49 → critical.
        var w = Window((14, 99.9), (1, 100), (14, 100.1));
        Assert.Null(AnomalyEvaluator.Evaluate(w, 30 * 60_000, 102, Temp, AnomalySettings.Default)); // +2 %: not a rolling-mean anomaly
        var f = AnomalyEvaluator.Evaluate(w, 30 * 60_000, 102, Temp, AnomalySettings.Default with { RobustZscore = true });
        Assert.NotNull(f);
        Assert.Equal(AnomalyRules.Detectors.RobustZScore, f.Detector);
        Assert.Equal(AnomalyRules.Critical, f.Severity);
        Assert.Equal(100, f.Baseline, 9);
        Assert.Equal(2, f.DeviationPct, 9);

        // 100.5: z = 0.5 / 0.14826 = 3.37 < 3.5 (and below the 1.0 minimum change) → nothing. A warning needs 3.5 ≤ z < 7,
        // a change between 0.519 and 1.038: 101.02 → z = 6.88, Δ 1.02 ≥ 1.0 → warning.
        Assert.Null(AnomalyEvaluator.RobustZScore(w, 100.5, Temp));
        var warn = AnomalyEvaluator.RobustZScore(w, 101.02, Temp);
        Assert.Equal(AnomalyRules.Warning, warn?.Severity);
    }

    [Fact]
    public void RobustZScore_WhenTheMadIsZero_UsesTheMeanAbsoluteDeviation()
    {
        // 28 × 10 and one 12: median 10, MAD 0; mean absolute deviation 2 / 29 = 0.068966, × 1.253314 = 0.086436.
        // 11 → z = 1 / 0.086436 = 11.57 → critical.
        var w = Window((28, 10), (1, 12));
        var f = AnomalyEvaluator.RobustZScore(w, 11, Temp);
        Assert.Equal(AnomalyRules.Critical, f?.Severity);
        Assert.Null(AnomalyEvaluator.RobustZScore(Window((29, 10)), 11, Temp)); // all equal: nothing to scale by
    }

    [Fact]
    public void RateOfChange_ComparesUnitsPerMinuteWithTheFieldLimit()
    {
        var field = new FieldSettings(1.0, MaxRatePerMin: 2);
        var w = new ReadingWindow();
        w.Add(0, 20);
        Assert.Null(AnomalyEvaluator.RateOfChange(w, 60_000, 21.5, field));                         // 1.5 /min ≤ 2
        Assert.Equal(AnomalyRules.Warning, AnomalyEvaluator.RateOfChange(w, 30_000, 21.5, field)?.Severity);  // 3 /min
        var crit = AnomalyEvaluator.RateOfChange(w, 30_000, 23, field);                               // 6 /min > 2 × 2
        Assert.Equal(AnomalyRules.Critical, crit?.Severity);
        Assert.Equal(20, crit!.Baseline);
        Assert.Null(AnomalyEvaluator.RateOfChange(w, 6_000, 20.5, field));                           // 5 /min but only 0.5 °C
        Assert.Null(AnomalyEvaluator.RateOfChange(w, 30_000, 23, new FieldSettings(1.0)));           // no limit set
        Assert.Null(AnomalyEvaluator.Evaluate(w, 30_000, 23, field, AnomalySettings.Default));       // detector off
    }

    [Theory]
    [InlineData(20, 20, 0)]
    [InlineData(24, 20, 20)]
    [InlineData(16, 20, -20)]
    [InlineData(1, 0, 1000)]
    [InlineData(-1, 0, -1000)]
    [InlineData(50, 1, 1000)]
    public void DeviationPct_IsSignedAndClamped(double value, double baseline, double expected) =>
        Assert.Equal(expected, AnomalyEvaluator.DeviationPct(value, baseline), 9);

    [Fact]
    public void Window_KeepsTheNewest29InTimeOrder()
    {
        var w = new ReadingWindow();
        for (var i = 1; i <= 30; i++) w.Add(i * 1000, i);          // 1…30: the first drops out
        Assert.True(w.IsFull);
        Assert.Equal(29, w.Count);
        Assert.Equal((2 + 30) / 2.0, w.Mean(), 9);
        w.Add(15_500, 100);                                        // late: goes in at its time, the oldest (2) drops
        Assert.Equal((30_000L, 30.0), w.Newest);
        Assert.True(w.Contains(15_500, 100));
        Assert.False(w.Contains(2000, 2));
    }
}
