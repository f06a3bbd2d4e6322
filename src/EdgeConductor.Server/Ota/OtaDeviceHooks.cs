using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using EdgeConductor.Server.Commands;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Telemetry;

namespace EdgeConductor.Server.Ota;

/// <summary>A device subscribed to devices/{serial}/ota: send it its pending update.</summary>
internal sealed class OtaSubscriptionObserver(OtaService ota) : IDeviceSubscriptionObserver
{
    public async ValueTask OnSubscribedAsync(DeviceRef device, DeviceChannel channel, CancellationToken ct)
    {
        if (channel == DeviceChannel.Ota) await ota.DeliverPendingAsync(device, ct);
    }
}

/// <summary>Polling devices get <c>fw_url</c> / <c>fw_version</c> in <c>GET /devices/:serial/commands</c> (seed 001).</summary>
internal sealed class OtaPollContributor(OtaService ota) : IPollContributor
{
    public async ValueTask ContributeAsync(DeviceRecord device, JsonObject body, bool isDevice, CancellationToken ct) =>
        await ota.ContributeToPollAsync(device, body, isDevice, ct);
}

/// <summary>
/// Committed telemetry, handed over by the group-commit writer (<see cref="ITelemetryObserver"/>): a reading with
/// <c>fw_version</c> confirms (or refutes) an update; any reading from a device with a pending update delivers it (the
/// device is back, seed 001 "first telemetry triggers check"). The writer's loop only enqueues; this service's own
/// loop does the work. The queue is bounded; when it is full a reading is dropped with a warning (a version reported
/// in a dropped reading is seen at the device's next reading or status report; a pending update at its next subscribe).
/// </summary>
internal sealed class OtaTelemetryObserver(IServiceProvider services, ILogger<OtaTelemetryObserver> log) : BackgroundService, ITelemetryObserver
{
    private readonly Dictionary<string, long> _lastCheck = new();
    private readonly Dictionary<string, string> _lastVersion = new();
    private readonly Channel<(DeviceRef Device, string? FwVersion)> _queue =
        Channel.CreateBounded<(DeviceRef, string?)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    public ValueTask OnCommittedAsync(IReadOnlyList<CommittedReading> readings, CancellationToken ct)
    {
        foreach (var r in readings)
        {
            string? version = null;
            foreach (var (key, value) in r.Readings)
                if (key == "fw_version" && value is JsonValue v && v.GetValueKind() == JsonValueKind.String) version = v.GetValue<string>();
            if (!_queue.Writer.TryWrite((r.Device, version))) log.LogWarning("OTA telemetry queue full; a reading of {Serial} was not checked", r.Device.Serial);
        }
        return ValueTask.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ota = services.GetRequiredService<OtaService>();
        await foreach (var (device, version) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                // A reading without a version costs a database look-up at most once a minute per device (a busy device must
                // not double the ingest path's queries); a version is always checked, but only when it changed.
                var now = Environment.TickCount64;
                if (version is not null && version.Length <= 64)
                {
                    if (_lastVersion.TryGetValue(device.Id, out var known) && known == version && now - _lastCheck.GetValueOrDefault(device.Id) < 60_000) continue;
                    _lastVersion[device.Id] = version;
                    await ota.ObserveVersionAsync(device, version, null, stoppingToken);
                }
                else if (now - _lastCheck.GetValueOrDefault(device.Id, long.MinValue / 2) < 60_000) continue;
                _lastCheck[device.Id] = now;
                if (_lastCheck.Count > 100_000) { _lastCheck.Clear(); _lastVersion.Clear(); }
                await ota.DeliverPendingAsync(device, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "OTA check of a reading of {Serial} failed", device.Serial);
            }
        }
    }
}

/// <summary>devices/{serial}/ota/status over MQTT (the device ACL lets a device publish it, see <see cref="IDeviceReportHandler"/>).</summary>
internal sealed class OtaStatusHandler(OtaService ota) : IDeviceReportHandler
{
    public const string Suffix = "ota/status";

    public string TopicSuffix => Suffix;

    public async ValueTask<IngestResult> HandleAsync(DeviceRef device, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var (report, _, error) = OtaStatusReport.Parse(payload.Span);
        if (report is null) return IngestResult.Rejected(error!);
        var outcome = await ota.ReportAsync(device, report, ct);
        return outcome.Accepted ? IngestResult.Ok(0) : IngestResult.Rejected(outcome.Error!);
    }
}
