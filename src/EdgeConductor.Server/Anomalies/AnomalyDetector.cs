using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Live;
using EdgeConductor.Server.Notifications;
using EdgeConductor.Server.Telemetry;

namespace EdgeConductor.Server.Anomalies;

/// <summary>
/// Anomaly detection on committed telemetry (seed 001). The telemetry writer hands every committed reading to
/// <see cref="OnCommittedAsync"/>, which only queues it (bounded; when full, readings are dropped and counted rather
/// than slowing ingest); this worker then, per device in reading-time order:
/// <list type="bullet">
/// <item>rebuilds the device's windows from stored telemetry (through <see cref="TelemetryStore"/>) the first time it
/// sees a field of the device after a start, so a restart has neither a blind spot nor a burst of false alerts;</item>
/// <item>skips a reading already in the window (same time and value: a re-sent buffer) and only adds one older than the
/// newest in the window (late data is learned from, not alerted on);</item>
/// <item>evaluates the reading (<see cref="AnomalyEvaluator"/>), then adds it to the window — anomalous readings
/// included, so a sustained new level becomes the baseline;</item>
/// <item>raises what alerts through <see cref="AnomalyStore.TryRaiseAsync"/> (cooldown in the database),
/// <see cref="INotifier"/> and an <c>anomaly</c> event on the live streams.</item>
/// </list>
/// Devices without an org are not watched (there is nobody to tell).
/// </summary>
public sealed class AnomalyDetector(AnomalyStore store, AnomalySettingsStore settings, TelemetryStore telemetry, INotifier notifier,
    DeviceEventHub hub, ILogger<AnomalyDetector> log) : BackgroundService, ITelemetryObserver
{
    /// <summary>Readings the queue holds before new ones are dropped.</summary>
    public const int QueueCapacity = 100_000;

    /// <summary>Stored records read per device to rebuild its windows after a start.</summary>
    public const int RebuildRecords = 300;

    private readonly Channel<CommittedReading> _queue = Channel.CreateBounded<CommittedReading>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    // device id → field → window; only the worker loop touches it.
    private readonly Dictionary<string, Dictionary<string, ReadingWindow>> _windows = new();
    private long _dropped;
    private long _processed;

    /// <summary>Readings dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Readings the worker has finished with (evaluated, skipped or learned).</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <inheritdoc />
    public ValueTask OnCommittedAsync(IReadOnlyList<CommittedReading> readings, CancellationToken ct)
    {
        foreach (var r in readings)
        {
            if (r.Device.OrgId is null) continue;
            if (!_queue.Writer.TryWrite(r) && Interlocked.Increment(ref _dropped) % 10_000 == 1)
                log.LogWarning("Anomaly detection queue full ({Capacity}): {Dropped} readings dropped so far", QueueCapacity, Dropped);
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<CommittedReading>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < 10_000 && _queue.Reader.TryRead(out var r)) batch.Add(r);
                foreach (var device in batch.GroupBy(r => r.Device.Id))
                {
                    try
                    {
                        await ProcessDeviceAsync(device.OrderBy(r => r.Ts).ToList(), stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        log.LogError(ex, "Anomaly detection failed for device {DeviceId}", device.Key);
                    }
                    Interlocked.Add(ref _processed, device.Count());
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessDeviceAsync(List<CommittedReading> readings, CancellationToken ct)
    {
        var device = readings[^1].Device;
        if (!_windows.TryGetValue(device.Id, out var windows)) _windows[device.Id] = windows = new Dictionary<string, ReadingWindow>();
        var missing = new HashSet<string>();
        var orgSettings = new Dictionary<string, AnomalySettings>();
        foreach (var r in readings)
        {
            var s = await SettingsAsync(r.Device.OrgId!, orgSettings, ct);
            foreach (var (field, node) in r.Readings)
                if (s.Fields.ContainsKey(field) && !windows.ContainsKey(field) && Number(node) is not null) missing.Add(field);
        }
        if (missing.Count > 0) await RebuildAsync(device.Id, readings[0].Ts, missing, windows, ct);

        foreach (var r in readings)
        {
            var s = await SettingsAsync(r.Device.OrgId!, orgSettings, ct);
            foreach (var (field, node) in r.Readings)
            {
                if (!s.Fields.TryGetValue(field, out var fs) || Number(node) is not { } value) continue;
                if (!windows.TryGetValue(field, out var window)) windows[field] = window = new ReadingWindow();
                if (window.Contains(r.Ts, value)) continue;
                var late = window.Newest is { } newest && r.Ts < newest.Ts;
                var finding = late ? null : AnomalyEvaluator.Evaluate(window, r.Ts, value, fs, s);
                window.Add(r.Ts, value);
                if (finding is not null) await RaiseAsync(r.Device, field, value, r.Ts, finding, ct);
            }
        }
    }

    private async ValueTask<AnomalySettings> SettingsAsync(string orgId, Dictionary<string, AnomalySettings> seen, CancellationToken ct)
    {
        if (!seen.TryGetValue(orgId, out var s)) seen[orgId] = s = await settings.GetCachedAsync(orgId, ct);
        return s;
    }

    /// <summary>Fills the windows of <paramref name="fields"/> from the device's stored readings before <paramref name="before"/>.</summary>
    private async Task RebuildAsync(string deviceId, long before, HashSet<string> fields, Dictionary<string, ReadingWindow> windows, CancellationToken ct)
    {
        foreach (var f in fields) windows[f] = new ReadingWindow();
        await foreach (var rec in telemetry.HistoryAsync(deviceId, long.MinValue, before, RebuildRecords, ct))
        {
            using var doc = JsonDocument.Parse(rec.Payload);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) continue;
            foreach (var f in fields)
                if (doc.RootElement.TryGetProperty(f, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d)
                    && !windows[f].Contains(rec.Ts, d))
                    windows[f].Add(rec.Ts, d);
        }
    }

    private async Task RaiseAsync(DeviceRef device, string field, double value, long ts, AnomalyFinding finding, CancellationToken ct)
    {
        var a = await store.TryRaiseAsync(new AnomalyStore.NewAnomaly(device.OrgId!, device.Id, device.Serial, field, value, ts, finding), ct);
        if (a is null) return;
        hub.Publish(new DeviceEvent("anomaly", device.Serial, device.OrgId, JsonSerializer.Serialize(a, AnomalySettingsStore.Json)));
        var data = new Dictionary<string, object?>
        {
            ["anomaly_id"] = a.Id, ["field"] = a.Field, ["value"] = a.Value, ["baseline"] = a.Baseline,
            ["deviation_pct"] = a.DeviationPct, ["severity"] = a.Severity, ["detector"] = a.Detector,
        };
        try
        {
            await notifier.NotifyAsync(new NotificationEvent(a.OrgId, NotificationKinds.Anomaly, a.Severity, AnomalyMessages.Title(a),
                AnomalyMessages.Body(a), a.Serial, data), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Anomaly {AnomalyId} is stored but its notification failed", a.Id);
        }
    }

    /// <summary>A reading's numeric value: telemetry keeps integers as long and the rest as double (see DevicePayload).</summary>
    private static double? Number(JsonNode? node)
    {
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number) return null;
        if (v.TryGetValue<double>(out var d)) return double.IsFinite(d) ? d : null;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<decimal>(out var m)) return (double)m;
        return v.TryGetValue<JsonElement>(out var e) && e.TryGetDouble(out d) && double.IsFinite(d) ? d : null;
    }
}
