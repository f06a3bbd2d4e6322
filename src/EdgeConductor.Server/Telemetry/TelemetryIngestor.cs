using System.Threading.Channels;
using EdgeConductor.Server.Gateway;

namespace EdgeConductor.Server.Telemetry;

/// <summary>
/// The device → cloud entry point for MQTT and HTTPS alike: validates a message, queues it for the group commit
/// and completes only once the batch holding it is committed — so an acknowledgement always means "stored".
/// </summary>
internal sealed class TelemetryIngestor(TimeProvider clock, TelemetryOptions options, TelemetryMetrics metrics, RetentionWindow retention) : IDeviceMessageSink
{
    private readonly Channel<IngestItem> _queue = Channel.CreateBounded<IngestItem>(
        new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    internal ChannelReader<IngestItem> Reader => _queue.Reader;

    internal void Complete() => _queue.Writer.TryComplete();

    public async ValueTask<IngestResult> ReceiveAsync(DeviceRef device, DeviceMessageKind kind, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var parsed = DevicePayload.TryParseMessage(payload.Span, now, allowNull: kind == DeviceMessageKind.ShadowReported, out var error);
        if (parsed is not null && kind == DeviceMessageKind.Telemetry) error = await retention.CheckAsync(device.OrgId, parsed, now, ct);
        if (parsed is null || error is not null)
        {
            metrics.Messages.Add(1, new("kind", Kind(kind)), new("result", "rejected"));
            return IngestResult.Rejected(error!);
        }
        var item = new IngestItem(device, kind, parsed, now);
        try
        {
            await _queue.Writer.WriteAsync(item, ct);
        }
        catch (ChannelClosedException)
        {
            throw new Errors.ApiException(503, Errors.ErrorCodes.Unavailable, "The server is shutting down; the message was not stored.");
        }
        // Not cancelled by ct once queued: the caller must learn whether it was stored.
        await item.Done.Task;
        metrics.Messages.Add(1, new("kind", Kind(kind)), new("result", "accepted"));
        return IngestResult.Ok(parsed.Max(p => p.Ts)) with { Readings = parsed.Count, Duplicates = item.Duplicates };
    }

    internal static string Kind(DeviceMessageKind kind) => kind == DeviceMessageKind.Telemetry ? "telemetry" : "shadow_reported";
}
