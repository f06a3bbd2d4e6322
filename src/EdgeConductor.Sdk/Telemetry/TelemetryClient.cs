using System.Runtime.CompilerServices;
using System.Text.Json;
using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Telemetry;

/// <summary>Device telemetry: <c>client.Telemetry</c>.</summary>
public sealed class TelemetryClient
{
    private readonly ApiTransport _api;

    internal TelemetryClient(ApiTransport api) => _api = api;

    /// <summary>
    /// Pushes one reading for a device, e.g. <c>new { temp = 24.5, hum = 60 }</c> or a dictionary. Keys such as temp, hum,
    /// co2, bat, signal, lat, lng, speed are conventional; any numeric field is accepted. A collection of readings (each
    /// with its own <c>ts</c>) is a buffered upload of up to 1000 readings, stored all or nothing; re-sending it is harmless
    /// (readings already stored are counted in <see cref="TelemetryPushResult.Duplicates"/>).
    /// </summary>
    public Task<TelemetryPushResult> PushAsync(string serial, object payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return _api.SendAsync<TelemetryPushResult>(HttpMethod.Post, Path(serial, "telemetry"), payload, false, cancellationToken);
    }

    /// <summary>Stored readings of the last <paramref name="hours"/> hours (1–168), oldest first, at most <paramref name="limit"/> when given.</summary>
    public Task<IReadOnlyList<TelemetryRecord>> HistoryAsync(string serial, int hours = 1, int? limit = null, CancellationToken cancellationToken = default)
    {
        if (hours is < 1 or > 168) throw new ArgumentOutOfRangeException(nameof(hours), hours, "hours must be between 1 and 168.");
        return _api.SendAsync<IReadOnlyList<TelemetryRecord>>(HttpMethod.Get,
            ApiTransport.WithQuery(Path(serial, "telemetry"), ("hours", hours), ("limit", limit)), null, true, cancellationToken);
    }

    /// <summary>The last <paramref name="limit"/> readings, newest first.</summary>
    public Task<IReadOnlyList<TelemetryRecord>> RecentAsync(string serial, int limit = 20, CancellationToken cancellationToken = default)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must be at least 1.");
        return _api.SendAsync<IReadOnlyList<TelemetryRecord>>(HttpMethod.Get,
            ApiTransport.WithQuery(Path(serial, "telemetry/recent"), ("limit", limit)), null, true, cancellationToken);
    }

    /// <summary>
    /// Buckets of one metric (avg/min/max/count per <paramref name="interval"/>: 1m, 5m, 15m, 1h, 6h or 1d) between
    /// <paramref name="from"/> and <paramref name="to"/> (server defaults: the last 24 hours), oldest first. Empty buckets are left out.
    /// </summary>
    /// <exception cref="EdgeConductorApiException">400 naming metric, interval, from or to when one is invalid (or over 10,000 buckets).</exception>
    public Task<IReadOnlyList<TelemetryBucket>> AggregateAsync(string serial, string metric, string interval = "1h",
        DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(metric);
        return _api.SendAsync<IReadOnlyList<TelemetryBucket>>(HttpMethod.Get, ApiTransport.WithQuery(Path(serial, "telemetry/aggregate"),
            ("metric", metric), ("interval", interval), ("from", from?.UtcDateTime.ToString("O")), ("to", to?.UtcDateTime.ToString("O"))),
            null, true, cancellationToken);
    }

    /// <summary>
    /// A chart series: the buckets of <paramref name="metric"/> over the last <paramref name="range"/> (up to now, by the
    /// client's clock) at the finest interval that stays within <paramref name="maxPoints"/> (see <see cref="AggregateInterval.For"/>).
    /// </summary>
    public Task<IReadOnlyList<TelemetryBucket>> AggregateRangeAsync(string serial, string metric, TimeSpan range, int maxPoints = 2000,
        CancellationToken cancellationToken = default)
    {
        var interval = AggregateInterval.For(range, maxPoints);
        var to = _api.Time.GetUtcNow();
        return AggregateAsync(serial, metric, interval, to - range, to, cancellationToken);
    }

    /// <summary>
    /// Follows a device live and yields a reading each time its payload changes (a reading equal to the previous one is
    /// skipped). Uses the server-sent event stream and falls back to polling the latest reading every
    /// <see cref="TelemetryStreamOptions.PollInterval"/> when the server has none. Runs until cancelled; once
    /// following, a dropped connection is retried every poll interval instead of ending the stream.
    /// </summary>
    public async IAsyncEnumerable<TelemetryRecord> StreamAsync(string serial, TelemetryStreamOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new();
        var ct = cancellationToken;
        string? last = null;
        if (options.IncludeLatest)
        {
            var latest = await RecentAsync(serial, 1, ct).ConfigureAwait(false);
            if (latest.Count > 0)
            {
                last = latest[0].Data.GetRawText();
                yield return latest[0];
            }
        }

        var useSse = options.UseServerSentEvents;
        var connectedOnce = false;
        DateTimeOffset? lastPolledTs = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (useSse)
            {
                var (reader, fallback) = await TryOpenStreamAsync(serial, connectedOnce, ct).ConfigureAwait(false);
                if (reader is null)
                {
                    if (fallback) useSse = false;
                    else
                    {
                        options.OnReconnecting?.Invoke($"the server could not be reached; retrying in {options.PollInterval.TotalSeconds:0.#} s");
                        await Task.Delay(options.PollInterval, _api.Time, ct).ConfigureAwait(false);
                    }
                    continue;
                }
                connectedOnce = true;
                using (reader)
                {
                    while (await NextTelemetryAsync(reader, ct).ConfigureAwait(false) is { } record)
                    {
                        var raw = record.Data.GetRawText();
                        options.OnHeartbeat?.Invoke(new TelemetryHeartbeat(record.Ts, raw != last));
                        if (raw == last) continue;
                        last = raw;
                        yield return record;
                    }
                }
                options.OnReconnecting?.Invoke($"the live stream dropped; reconnecting in {options.PollInterval.TotalSeconds:0.#} s");
                await Task.Delay(options.PollInterval, _api.Time, ct).ConfigureAwait(false); // the stream dropped: reconnect
            }
            else
            {
                await Task.Delay(options.PollInterval, _api.Time, ct).ConfigureAwait(false);
                var recent = await PollLatestAsync(serial, ct).ConfigureAwait(false);
                if (recent is null)
                {
                    options.OnReconnecting?.Invoke($"the server could not be reached; retrying in {options.PollInterval.TotalSeconds:0.#} s");
                    continue;
                }
                if (recent.Count == 0) continue;
                var raw = recent[0].Data.GetRawText();
                if (recent[0].Ts == lastPolledTs && raw == last) continue; // no new reading since the last poll
                lastPolledTs = recent[0].Ts;
                options.OnHeartbeat?.Invoke(new TelemetryHeartbeat(recent[0].Ts, raw != last));
                if (raw == last) continue;
                last = raw;
                yield return recent[0];
            }
        }
    }

    /// <summary>The latest reading while polling; null when the server could not be reached this time (the next poll retries).</summary>
    private async Task<IReadOnlyList<TelemetryRecord>?> PollLatestAsync(string serial, CancellationToken ct)
    {
        try
        {
            return await RecentAsync(serial, 1, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Opens the event stream; (null, true) when the server has none, (null, false) on a transient failure after the first connect.</summary>
    private async Task<(SseConnection? Reader, bool Fallback)> TryOpenStreamAsync(string serial, bool connectedOnce, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _api.SendRawAsync(HttpMethod.Get, Path(serial, "stream"), null, true, ct,
                HttpCompletionOption.ResponseHeadersRead, applyTimeout: false).ConfigureAwait(false);
        }
        catch (EdgeConductorApiException ex) when (ex.Status is 404 or 405 or 406 or 501)
        {
            return (null, true);
        }
        catch (HttpRequestException) when (connectedOnce && !ct.IsCancellationRequested)
        {
            return (null, false);
        }
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            response.Dispose();
            return (null, true);
        }
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return (new SseConnection(response, new SseReader(stream)), false);
    }

    /// <summary>The next telemetry event of the stream, or null when the stream ended or broke.</summary>
    private async Task<TelemetryRecord?> NextTelemetryAsync(SseConnection connection, CancellationToken ct)
    {
        while (true)
        {
            SseEvent? e;
            try
            {
                e = await connection.Reader.ReadAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                // Cancelling the request aborts the response stream: report that as cancellation, anything else as a dropped stream.
                if (ct.IsCancellationRequested) throw new OperationCanceledException("The stream was cancelled.", ex, ct);
                return null;
            }
            if (e is null) return null;
            if (e.Event != "telemetry") continue;
            if (ParseStreamTelemetry(e.Data, _api.Time.GetUtcNow()) is { } record) return record;
        }
    }

    /// <summary>Parses <c>{"serial_no":"…","ts":"…","data":{…}}</c>; null if malformed.</summary>
    internal static TelemetryRecord? ParseStreamTelemetry(string json, DateTimeOffset receivedAt)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
                return null;
            var ts = root.TryGetProperty("ts", out var t) && t.ValueKind == JsonValueKind.String && t.TryGetDateTimeOffset(out var parsed)
                ? parsed
                : receivedAt;
            return new TelemetryRecord(ts, data.Clone());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Path(string serial, string rest) => $"devices/{ApiTransport.Segment(serial)}/{rest}";

    private sealed class SseConnection(HttpResponseMessage response, SseReader reader) : IDisposable
    {
        public SseReader Reader { get; } = reader;

        public void Dispose()
        {
            Reader.Dispose();
            response.Dispose();
        }
    }
}
