using System.Diagnostics.Metrics;

namespace EdgeConductor.Server.Telemetry;

internal sealed class TelemetryMetrics : IDisposable
{
    private readonly Meter _meter = new("EdgeConductor.Telemetry");

    public TelemetryMetrics()
    {
        Messages = _meter.CreateCounter<long>("ec.telemetry.messages", description: "Device messages by kind and result (accepted, rejected).");
        BatchSize = _meter.CreateHistogram<int>("ec.telemetry.batch.size", description: "Messages per group commit.");
        CommitDuration = _meter.CreateHistogram<double>("ec.telemetry.commit.duration", unit: "s", description: "Time to write and commit one batch.");
        Pruned = _meter.CreateCounter<long>("ec.telemetry.pruned", description: "Telemetry rows deleted by retention.");
    }

    public Counter<long> Messages { get; }
    public Histogram<int> BatchSize { get; }
    public Histogram<double> CommitDuration { get; }
    public Counter<long> Pruned { get; }

    public void Dispose() => _meter.Dispose();
}
