using System.Runtime.CompilerServices;
using System.Text.Json;
using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Live;

/// <summary>
/// Live server-sent event streams of committed telemetry and shadow changes: <c>client.Live</c>. Used by the web console's
/// device pages; a dropped stream is reopened after <c>retryDelay</c> until the caller cancels.
/// </summary>
public sealed class LiveClient
{
    private readonly ApiTransport _api;

    internal LiveClient(ApiTransport api) => _api = api;

    /// <summary>
    /// The events of one device: first its current shadow (as a <c>shadow</c> event), then each committed reading and
    /// shadow change as it happens. Runs until cancelled.
    /// </summary>
    /// <exception cref="EdgeConductorApiException">404 when the device does not exist or the caller cannot see it (on the first connect).</exception>
    public IAsyncEnumerable<LiveEvent> DeviceAsync(string serial, TimeSpan? retryDelay = null, CancellationToken cancellationToken = default) =>
        FollowAsync($"devices/{ApiTransport.Segment(serial)}/stream", retryDelay ?? TimeSpan.FromSeconds(2), cancellationToken);

    /// <summary>The events of every device of an org the caller can see (and the org's bell events). Runs until cancelled.</summary>
    /// <exception cref="EdgeConductorApiException">404 for an org the caller cannot see (on the first connect).</exception>
    public IAsyncEnumerable<LiveEvent> OrgAsync(string orgId, TimeSpan? retryDelay = null, CancellationToken cancellationToken = default) =>
        FollowAsync($"orgs/{ApiTransport.Segment(orgId)}/stream", retryDelay ?? TimeSpan.FromSeconds(2), cancellationToken);

    private async IAsyncEnumerable<LiveEvent> FollowAsync(string path, TimeSpan retryDelay, [EnumeratorCancellation] CancellationToken ct)
    {
        var connectedOnce = false;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            HttpResponseMessage? response = null;
            try
            {
                response = await _api.SendRawAsync(HttpMethod.Get, path, null, true, ct, HttpCompletionOption.ResponseHeadersRead, applyTimeout: false)
                    .ConfigureAwait(false);
            }
            catch (HttpRequestException) when (connectedOnce && !ct.IsCancellationRequested)
            {
                // The server went away after we had a stream: try again below.
            }
            if (response is not null)
            {
                connectedOnce = true;
                using (response)
                using (var reader = new SseReader(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false)))
                {
                    while (await NextAsync(reader, ct).ConfigureAwait(false) is { } e)
                        if (Parse(e) is { } live) yield return live;
                }
            }
            await Task.Delay(retryDelay, _api.Time, ct).ConfigureAwait(false);
        }
    }

    private static async Task<SseEvent?> NextAsync(SseReader reader, CancellationToken ct)
    {
        try
        {
            return await reader.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            if (ct.IsCancellationRequested) throw new OperationCanceledException("The stream was cancelled.", ex, ct);
            return null; // dropped: the caller reconnects
        }
    }

    /// <summary>The event with its JSON data; null when the data is not JSON (skipped).</summary>
    internal static LiveEvent? Parse(SseEvent e)
    {
        try
        {
            using var doc = JsonDocument.Parse(e.Data);
            var root = doc.RootElement.Clone();
            var serial = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("serial_no", out var s) && s.ValueKind == JsonValueKind.String
                ? s.GetString()
                : null;
            return new LiveEvent(e.Event, serial, root);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
