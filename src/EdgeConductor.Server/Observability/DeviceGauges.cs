using System.Diagnostics.Metrics;
using EdgeConductor.Server.Devices;

namespace EdgeConductor.Server.Observability;

/// <summary>Device counts for /metrics, refreshed from the registry just before each scrape renders.</summary>
public sealed class DeviceGauges : IDisposable
{
    public const string MeterName = "EdgeConductor.Server";
    private readonly Meter _meter;
    private DeviceStore.Counts _counts = new(0, 0, 0);

    /// <summary>The meter comes from the host's <see cref="IMeterFactory"/>, so /metrics shows this host's registry only.</summary>
    public DeviceGauges(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableGauge("ec.devices", () => new[]
        {
            new Measurement<long>(_counts.Total, new KeyValuePair<string, object?>("status", "registered")),
            new Measurement<long>(_counts.Online, new KeyValuePair<string, object?>("status", "online")),
            new Measurement<long>(_counts.Active, new KeyValuePair<string, object?>("status", "active_24h")),
        }, description: "Devices in the registry: registered, online (seen < 5 min) and active (seen < 24 h).");
    }

    public async Task RefreshAsync(DeviceStore devices, CancellationToken ct) => _counts = await devices.CountAsync(null, ct);

    public void Dispose() => _meter.Dispose();
}
