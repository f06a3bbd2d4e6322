namespace EdgeConductor.Server.Rules;

/// <summary>Rules engine settings (docs/rules.md; README configuration table).</summary>
public sealed class RulesOptions
{
    /// <summary>Seed 001: "90s debounce on schedule rules": a schedule rule never fires twice within this.</summary>
    public TimeSpan ScheduleDebounce { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>A scheduled instant missed while no server ran still fires on start if it is at most this late; else it is recorded as missed. EC_RULES_MISSED_GRACE_SECONDS.</summary>
    public TimeSpan MissedFireGrace { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A claimed schedule fire not finished after this (its instance died) is taken over by another (or the restarted) instance.</summary>
    public TimeSpan ClaimLease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Rules whose action writes the field they read fire at most once per this, per device (the loop guard).</summary>
    public TimeSpan LoopGuardInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the schedule worker and the for_seconds sweep look at the clock.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an instance trusts its cached copy of an org's rules (changes made on this instance apply at once).</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Readings waiting for evaluation; when full, readings are dropped from evaluation (counted and logged), never blocking ingest.</summary>
    public int QueueCapacity { get; init; } = 100_000;

    public static RulesOptions FromConfiguration(IConfiguration config)
    {
        var grace = config.GetValue<int?>("EC_RULES_MISSED_GRACE_SECONDS");
        return new RulesOptions { MissedFireGrace = grace is > 0 ? TimeSpan.FromSeconds(grace.Value) : TimeSpan.FromMinutes(5) };
    }
}
