using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Live;
using EdgeConductor.Server.Presence;
using EdgeConductor.Server.Shadow;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Telemetry;

/// <summary>
/// Group commit: drains whatever is queued (up to <see cref="TelemetryOptions.MaxBatch"/>), writes the telemetry rows
/// and the devices' reported state in ONE transaction, commits, and only then releases the waiting acknowledgements.
/// On shutdown it drains the queue before stopping.
/// </summary>
internal sealed class TelemetryWriter(TelemetryIngestor ingestor, Database db, ShadowStore shadows, DeviceEventHub hub,
    PresenceService presence, TelemetryOptions options, TelemetryMetrics metrics, ITelemetryCommit commit, IEnumerable<ITelemetryObserver> observers, ILogger<TelemetryWriter> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = ingestor.Reader;
        var batch = new List<IngestItem>(options.MaxBatch);
        // Runs until the queue is completed (StopAsync), not until cancellation, so nothing queued is abandoned.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < options.MaxBatch && reader.TryRead(out var item)) batch.Add(item);
            if (batch.Count == 0) continue;
            await WriteBatchAsync(batch);
        }
    }

    /// <summary>Longest wait for the queued messages to be committed on shutdown (wall-clock).</summary>
    internal static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Refuses new messages (<see cref="TelemetryIngestor"/> answers 503 / no acknowledgement), commits everything
    /// already queued, then returns. Never throws: by the time the host calls this its own stop budget may be spent
    /// (Kestrel waited for slow requests), so the drain gets <see cref="DrainLimit"/> of its own instead of the host
    /// token; what is not committed by then was never acknowledged.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        ingestor.Complete();
        if (ExecuteTask is { } running)
        {
            await Task.WhenAny(running, Task.Delay(DrainLimit, TimeProvider.System, CancellationToken.None));
            if (!running.IsCompleted) log.LogWarning("The telemetry queue was not drained within {Limit}; unacknowledged messages were dropped", DrainLimit);
            else if (running.IsFaulted) log.LogError(running.Exception, "The telemetry writer failed while draining its queue");
        }
        // The loop ends with the queue, not with the stopping token; base only cancels that token and awaits the loop.
        if (ExecuteTask is null || ExecuteTask.IsCompletedSuccessfully) await base.StopAsync(CancellationToken.None);
    }

    private async Task WriteBatchAsync(List<IngestItem> batch)
    {
        var sw = Stopwatch.StartNew();
        IReadOnlyList<ShadowStore.ReportedResult> results;
        List<(IngestItem Item, DevicePayload Payload)> stored;
        try
        {
            (results, stored) = await CommitAsync(batch);
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Telemetry batch of {Count} failed; none of it was acknowledged", batch.Count);
            foreach (var item in batch) item.Done.TrySetException(ex);
            return;
        }
        metrics.BatchSize.Record(batch.Count);
        metrics.CommitDuration.Record(sw.Elapsed.TotalSeconds);
        foreach (var item in batch) item.Done.TrySetResult();
        await AfterCommitAsync(batch, results, stored);
    }

    /// <summary>Commits the batch; returns the devices' reported results and the telemetry readings stored (re-sent duplicates left out).</summary>
    private async Task<(IReadOnlyList<ShadowStore.ReportedResult>, List<(IngestItem Item, DevicePayload Payload)>)> CommitAsync(List<IngestItem> batch)
    {
        await using var conn = await db.OpenAsync(CancellationToken.None);
        await using var tx = await conn.BeginTransactionAsync();
        // Reported state first: it reads each device's row, whose org_id (not the one cached in a long-lived MQTT
        // connection's DeviceRef) is the org the readings belong to. Grouped by device id, so two connections of one
        // device with differing DeviceRefs never make two read-modify-writes of the same row in one transaction.
        // Duplicates go to the merge too: it is idempotent for them (same values, same ts) and they still mean "seen".
        var results = await shadows.ApplyReportedAsync(conn, tx,
            batch.SelectMany(i => i.Payloads, (i, p) => (i.Device, Reading: (p.Readings, p.Ts, i.ReceivedAt)))
                .GroupBy(x => x.Device, x => x.Reading, SameDevice.Instance));
        var current = results.ToDictionary(r => r.Device.Id, r => r.Device);
        var stored = await TelemetryDuplicates.FreshAsync(db, conn, tx, batch);
        var rows = new List<TelemetryRow>(stored.Count);
        foreach (var (item, payload) in stored)
        {
            var orgId = current.TryGetValue(item.Device.Id, out var now) ? now.OrgId : item.Device.OrgId;
            rows.Add(new TelemetryRow(item.Device.Id, orgId, payload.Ts, item.ReceivedAt, payload.JsonUtf8));
        }
        await TelemetryRowInserter.InsertAsync(db, conn, tx, rows);
        await commit.CommitAsync(tx);
        return (results, stored);
    }

    private sealed class SameDevice : IEqualityComparer<DeviceRef>
    {
        public static readonly SameDevice Instance = new();
        public bool Equals(DeviceRef? x, DeviceRef? y) => x?.Id == y?.Id;
        public int GetHashCode(DeviceRef obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }

    private readonly ITelemetryObserver[] _observers = observers.ToArray();

    private async Task AfterCommitAsync(List<IngestItem> batch, IReadOnlyList<ShadowStore.ReportedResult> results,
        List<(IngestItem Item, DevicePayload Payload)> stored)
    {
        await NotifyObserversAsync(stored, results);
        // Live events cost a JSON copy per message: build them only while someone is streaming.
        var streaming = hub.SubscriberCount > 0;
        var current = results.ToDictionary(r => r.Device.Id, r => r.Device);
        foreach (var (item, payload) in stored)
        {
            if (!streaming) break;
            var device = current.GetValueOrDefault(item.Device.Id, item.Device);
            var data = new JsonObject
            {
                ["serial_no"] = item.Device.Serial,
                ["ts"] = Common.Times.Iso(payload.Ts),
                ["data"] = payload.ToJsonObject(),
            };
            hub.Publish(new DeviceEvent("telemetry", device.Serial, device.OrgId, data.ToJsonString()));
        }
        foreach (var r in results)
        {
            if (streaming && r.Changed) hub.Publish(ShadowEvents.Changed(r.Device, r.State));
            if (!r.WasOfflineAlerted) continue;
            try
            {
                await presence.DeviceReturnedAsync(r.Device, CancellationToken.None);
            }
            catch (Exception ex)
            {
                log.LogError(ex, "Recording {Serial}'s return online failed", r.Device.Serial);
            }
        }
    }

    /// <summary>One <see cref="CommittedReading"/> per stored telemetry reading (each reading of a buffered array with its own ts; re-sent duplicates not).</summary>
    private async Task NotifyObserversAsync(List<(IngestItem Item, DevicePayload Payload)> stored, IReadOnlyList<ShadowStore.ReportedResult> results)
    {
        if (_observers.Length == 0) return;
        var current = results.ToDictionary(r => r.Device.Id, r => r.Device);
        var readings = new List<CommittedReading>(stored.Count);
        foreach (var (item, payload) in stored)
        {
            var device = current.GetValueOrDefault(item.Device.Id, item.Device);
            readings.Add(new CommittedReading(device, payload.Ts, item.ReceivedAt, payload.Readings));
        }
        if (readings.Count == 0) return;
        foreach (var observer in _observers)
        {
            try
            {
                await observer.OnCommittedAsync(readings, CancellationToken.None);
            }
            catch (Exception ex)
            {
                log.LogError(ex, "Telemetry observer {Observer} failed on a batch of {Count}", observer.GetType().Name, readings.Count);
            }
        }
    }
}
