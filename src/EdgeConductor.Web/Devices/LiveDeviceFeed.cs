using System.Text.Json;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Live;

namespace EdgeConductor.Web.Devices;

/// <summary>
/// The live state of one device page: the latest reading and shadow, kept current from the device's SSE stream
/// (<c>GET /devices/{serial}/stream</c>, through the SDK). Events only update fields; <see cref="Changed"/> fires per event
/// and the page coalesces it with a <see cref="RenderThrottle"/> (≤ 4 renders a second). Dispose to stop.
/// </summary>
public sealed class LiveDeviceFeed : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private Task? _pump;

    // One immutable snapshot swapped whole: the render thread never sees half of an update (JsonElement is a struct).
    private volatile Snapshot _state = new(default, null, null, null, null, null, 0, false);

    /// <summary>The newest reading (flat object, without ts); Undefined before the first.</summary>
    public JsonElement Reading => _state.Reading;

    /// <summary>When the newest reading was taken.</summary>
    public DateTimeOffset? ReadingTs => _state.ReadingTs;

    /// <summary>The newest shadow event's desired state.</summary>
    public JsonElement? Desired => _state.Desired;

    /// <summary>The newest shadow event's reported state.</summary>
    public JsonElement? Reported => _state.Reported;

    /// <summary>The newest shadow event's delta (desired keys the device has not reported back yet).</summary>
    public JsonElement? Delta => _state.Delta;

    /// <summary>The newest shadow version.</summary>
    public long? ShadowVersion => _state.ShadowVersion;

    /// <summary>How many telemetry events arrived.</summary>
    public long TelemetryEvents => _state.TelemetryEvents;

    /// <summary>True while the stream is connected and delivering.</summary>
    public bool Connected => _state.Connected;

    /// <summary>Raised (on a background thread) after an event changed the state.</summary>
    public event Action? Changed;

    /// <summary>Seeds the state with what the page loaded, so the cards show values before the first live event.</summary>
    public void Seed(JsonElement reading, DateTimeOffset? ts)
    {
        if (reading.ValueKind == JsonValueKind.Object && _state.ReadingTs is null) _state = _state with { Reading = reading, ReadingTs = ts };
    }

    /// <summary>Starts following <paramref name="serial"/> with <paramref name="client"/>.</summary>
    public void Start(EdgeConductorClient client, string serial) => _pump ??= Task.Run(() => PumpAsync(client, serial, _cts.Token));

    private async Task PumpAsync(EdgeConductorClient client, string serial, CancellationToken ct)
    {
        try
        {
            await foreach (var e in client.Live.DeviceAsync(serial, TimeSpan.FromSeconds(2), ct))
            {
                Apply(e);
                Changed?.Invoke();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (EdgeConductorApiException)
        {
            _state = _state with { Connected = false }; // gone or no longer visible: the page keeps what it has
            Changed?.Invoke();
        }
    }

    /// <summary>Applies one live event to the state.</summary>
    internal void Apply(LiveEvent e)
    {
        var d = e.Data;
        var s = _state with { Connected = true };
        if (e.Type == LiveEvent.Telemetry && d.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
        {
            s = s with
            {
                Reading = data,
                ReadingTs = d.TryGetProperty("ts", out var ts) && ts.TryGetDateTimeOffset(out var t) ? t : s.ReadingTs,
                TelemetryEvents = s.TelemetryEvents + 1,
            };
        }
        else if (e.Type == LiveEvent.Shadow)
        {
            s = s with
            {
                Desired = d.TryGetProperty("desired", out var desired) ? desired : s.Desired,
                Reported = d.TryGetProperty("reported", out var reported) ? reported : s.Reported,
                Delta = d.TryGetProperty("delta", out var delta) ? delta : s.Delta,
                ShadowVersion = d.TryGetProperty("version", out var v) && v.TryGetInt64(out var version) ? version : s.ShadowVersion,
            };
        }
        _state = s;
    }

    private sealed record Snapshot(JsonElement Reading, DateTimeOffset? ReadingTs, JsonElement? Desired, JsonElement? Reported,
        JsonElement? Delta, long? ShadowVersion, long TelemetryEvents, bool Connected);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        if (_pump is not null)
        {
            try
            {
                await _pump;
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
            {
            }
        }
        _cts.Dispose();
    }
}
