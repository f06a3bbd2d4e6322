using System.Diagnostics.Metrics;

namespace EdgeConductor.Server.Telemetry;

/// <summary>
/// Ingest metrics. The meter comes from the host's <see cref="IMeterFactory"/> (which also disposes it), so /metrics
/// shows this host's counts only, and another host in the same process (tests) stopping cannot make them vanish.
/// </summary>
internal sealed class TelemetryMetrics
{
    private readonly Meter _meter;

    public TelemetryMetrics(IMeterFactory meters)
    {
        _meter = meters.Create("EdgeConductor.Telemetry");
        Messages = _meter.CreateCounter<long>("ec.telemetry.messages", description: "Device messages by kind and result (accepted, rejected).");
        BatchSize = _meter.CreateHistogram<int>("ec.telemetry.batch.size", description: "Messages per group commit.");
        CommitDuration = _meter.CreateHistogram<double>("ec.telemetry.commit.duration", unit: "s", description: "Time to write and commit one batch.");
        Pruned = _meter.CreateCounter<long>("ec.telemetry.pruned", description: "Telemetry rows deleted by retention.");
    }

    public Counter<long> Messages { get; }
    public Histogram<int> BatchSize { get; }
    public Histogram<double> CommitDuration { get; }
    public Counter<long> Pruned { get; }
}
