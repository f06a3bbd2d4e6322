using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace EdgeConductor.Telemetry.Tests.Infrastructure;

/// <summary>A Server-Sent Events subscription on a real socket: events are parsed as they arrive.</summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<(string Event, JsonNode Data)> _events = Channel.CreateUnbounded<(string, JsonNode)>();
    private readonly Task _pump;

    private SseStream(HttpResponseMessage response)
    {
        _response = response;
        _pump = PumpAsync();
    }

    public static async Task<SseStream> OpenAsync(HttpClient http, string url)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, url);
        req.Headers.Accept.ParseAdd("text/event-stream");
        var r = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
        if (r.StatusCode != HttpStatusCode.OK)
        {
            var body = await r.Content.ReadAsStringAsync();
            r.Dispose();
            throw new Xunit.Sdk.XunitException($"GET {url}: expected 200, got {(int)r.StatusCode}: {body}");
        }
        Assert.Equal("text/event-stream", r.Content.Headers.ContentType?.MediaType);
        return new SseStream(r);
    }

    private async Task PumpAsync()
    {
        try
        {
            await using var stream = await _response.Content.ReadAsStreamAsync(_stop.Token);
            using var reader = new StreamReader(stream);
            string? type = null;
            var data = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Count > 0) _events.Writer.TryWrite((type ?? "message", JsonNode.Parse(string.Join('\n', data))!));
                    type = null;
                    data.Clear();
                }
                else if (line.StartsWith("event:", StringComparison.Ordinal)) type = line[6..].Trim();
                else if (line.StartsWith("data:", StringComparison.Ordinal)) data.Add(line[5..].TrimStart());
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // closed
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    /// <summary>The next event matching <paramref name="match"/> (others are skipped), or a failure after the timeout.</summary>
    public async Task<JsonNode> NextAsync(string type, Func<JsonNode, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var skipped = new List<string>();
        try
        {
            while (true)
            {
                var (t, data) = await _events.Reader.ReadAsync(cts.Token);
                if (t == type && (match is null || match(data))) return data;
                skipped.Add($"{t}: {data.ToJsonString()}");
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new Xunit.Sdk.XunitException($"No '{type}' event arrived. Skipped: [{string.Join(", ", skipped)}]");
        }
    }

    /// <summary>Events that arrive within <paramref name="window"/>.</summary>
    public async Task<List<(string Event, JsonNode Data)>> DrainAsync(TimeSpan window)
    {
        var list = new List<(string, JsonNode)>();
        using var cts = new CancellationTokenSource(window);
        try
        {
            while (true) list.Add(await _events.Reader.ReadAsync(cts.Token));
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            return list;
        }
    }

    /// <summary>True when the server ends the stream within <paramref name="timeout"/> (a generous bound, not a timing assertion).</summary>
    public async Task<bool> EndsWithinAsync(TimeSpan timeout)
    {
        try
        {
            await _pump.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _pump;
        _stop.Dispose();
    }
}
