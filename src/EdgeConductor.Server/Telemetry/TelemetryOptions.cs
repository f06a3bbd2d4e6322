namespace EdgeConductor.Server.Telemetry;

public sealed class TelemetryOptions
{
    /// <summary>Messages waiting for the writer; when full, ingest waits (back-pressure) rather than dropping acknowledged data.</summary>
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>Most messages committed in one transaction (group commit).</summary>
    public int MaxBatch { get; set; } = 1_000;

    /// <summary>How often retention pruning runs.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Rows deleted per pruning statement, so pruning never holds the write lock for long.</summary>
    public int PruneChunk { get; set; } = 5_000;

    /// <summary>
    /// How often the rollup worker adds newly stored rows to the per-minute rollups (it keeps going while it is behind).
    /// Zero or less: no background passes (tests run them by hand); aggregates stay exact, reading the rest raw.
    /// </summary>
    public TimeSpan RollupInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Telemetry rows read and rolled up per rollup transaction.</summary>
    public int RollupChunk { get; set; } = 5_000;

    /// <summary>Retention for devices that belong to no org.</summary>
    public int DefaultRetentionDays { get; set; } = 7;

    /// <summary>EC_TELEMETRY_MAX_BATCH overrides <see cref="MaxBatch"/> (1 = one transaction per message, for comparisons).</summary>
    public static TelemetryOptions FromConfiguration(IConfiguration config)
    {
        var o = new TelemetryOptions();
        if (int.TryParse(config["EC_TELEMETRY_MAX_BATCH"], out var batch) && batch > 0) o.MaxBatch = batch;
        return o;
    }
}
