using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeConductor.Server.Webhooks;

/// <summary>What one delivery attempt came to.</summary>
public enum AttemptOutcome
{
    /// <summary>2xx.</summary>
    Succeeded,

    /// <summary>Timeout, connection error, 408, 429 or 5xx: try again later.</summary>
    Retry,

    /// <summary>Any other answer (3xx, 4xx but 408/410/429), or a URL that may not be reached: do not retry.</summary>
    Failed,

    /// <summary>410 Gone: the receiver asks never to be called again.</summary>
    Gone,
}

/// <summary>One attempt's result; <see cref="LatencyMs"/> is request start to response headers (or the error).</summary>
public sealed record AttemptResult(AttemptOutcome Outcome, int? StatusCode, long LatencyMs, string? Error, TimeSpan? RetryAfter = null);

/// <summary>A connection refused because every address of the host must be public (SSRF protection).</summary>
public sealed class WebhookAddressRefusedException(string message) : Exception(message);

/// <summary>
/// Sends one signed webhook POST. The connection is made by <see cref="ConnectAsync"/>: it resolves the host, refuses it
/// when any of its addresses is non-public (unless <see cref="WebhookOptions.AllowPrivate"/>), and connects to exactly the
/// addresses it checked, so a DNS answer that changes between check and connect (rebinding) cannot reach a private
/// address. No proxy, no redirects (a 3xx is a failed attempt).
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly WebhookOptions _options;
    private readonly TimeProvider _clock;
    private readonly HttpClient _http;

    public WebhookSender(WebhookOptions options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("EdgeConductor-Webhooks/1.0");
    }

    /// <summary>POSTs <paramref name="body"/> (JSON) with the Standard Webhooks headers; never throws but for <paramref name="ct"/>.</summary>
    public async Task<AttemptResult> SendAsync(string url, string id, long timestamp, string signature, string body, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        var started = _clock.GetTimestamp();
        long Elapsed() => (long)_clock.GetElapsedTime(started).TotalMilliseconds;
        try
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            req.Headers.TryAddWithoutValidation("webhook-id", id);
            req.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            req.Headers.TryAddWithoutValidation("webhook-signature", signature);
            using var resp = await _http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)resp.StatusCode;
            var latency = Elapsed();
            return code switch
            {
                >= 200 and < 300 => new AttemptResult(AttemptOutcome.Succeeded, code, latency, null),
                410 => new AttemptResult(AttemptOutcome.Gone, code, latency, "410 Gone: deliveries to this URL are disabled for the org"),
                408 or 429 or >= 500 => new AttemptResult(AttemptOutcome.Retry, code, latency, $"HTTP {code}", RetryAfter(resp)),
                _ => new AttemptResult(AttemptOutcome.Failed, code, latency, $"HTTP {code} (not retried)"),
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AttemptResult(AttemptOutcome.Retry, null, Elapsed(), $"timeout after {_options.Timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException ex) when (Find<WebhookAddressRefusedException>(ex) is { } refused)
        {
            return new AttemptResult(AttemptOutcome.Failed, null, Elapsed(), refused.Message);
        }
        catch (HttpRequestException ex)
        {
            return new AttemptResult(AttemptOutcome.Retry, null, Elapsed(), "connection failed: " + (ex.InnerException?.Message ?? ex.Message));
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage resp)
    {
        var ra = resp.Headers.RetryAfter;
        if (ra?.Delta is { } d) return d;
        if (ra?.Date is { } date) return date - _clock.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : null;
        return null;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
        if (!_options.AllowPrivate)
        {
            foreach (var a in addresses)
            {
                if (WebhookAddress.ForbiddenReason(a) is { } reason)
                    throw new WebhookAddressRefusedException(
                        $"refused: {host} resolves to {a} ({reason}); set EC_WEBHOOK_ALLOW_PRIVATE=true to allow non-public receivers");
            }
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is T t) return t;
        return null;
    }

    public void Dispose() => _http.Dispose();
}
