using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace EdgeConductor.Sdk.Http;

/// <summary>Sends API requests: base URL, bearer credential, JSON bodies, problem+json errors, retries on 429/503.</summary>
internal sealed class ApiTransport
{
    private readonly HttpClient _http;
    private readonly EdgeConductorOptions _options;
    private readonly bool _ownsTimeout;

    public ApiTransport(HttpClient http, EdgeConductorOptions options, bool ownsTimeout)
    {
        _http = http;
        _options = options;
        _ownsTimeout = ownsTimeout;
        BaseUrl = EdgeConductorOptions.NormalizeBaseUrl(options.BaseUrl ?? http.BaseAddress ?? EdgeConductorOptions.DefaultBaseUrl);
    }

    public Uri BaseUrl { get; }

    public TimeProvider Time => _options.TimeProvider;

    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, bool retryable, CancellationToken ct)
    {
        using var response = await SendRawAsync(method, path, body, retryable, ct).ConfigureAwait(false);
        return await ReadAsync<T>(response, ct).ConfigureAwait(false);
    }

    /// <summary>Sends the request and returns a successful response; throws <see cref="EdgeConductorApiException"/> otherwise.</summary>
    public async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, object? body, bool retryable, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, bool applyTimeout = true)
    {
        var content = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), EdgeConductorJson.Options);
        for (var attempt = 0; ; attempt++)
        {
            using var timeout = applyTimeout && _ownsTimeout ? CancellationTokenSource.CreateLinkedTokenSource(ct) : null;
            timeout?.CancelAfter(_options.Timeout);
            var credential = _options.ApiKeyProvider is { } provider ? await provider(ct).ConfigureAwait(false) : _options.ApiKey;
            using var request = BuildRequest(method, path, content, credential);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, completion, timeout?.Token ?? ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!ct.IsCancellationRequested && timeout is not null)
            {
                throw new TimeoutException($"The request {method} {path} timed out after {_options.Timeout.TotalSeconds:0} s.", ex);
            }
            if (response.IsSuccessStatusCode) return response;
            if (ct.IsCancellationRequested)
            {
                // An answer to a request the caller already gave up on (e.g. 499 from an in-process server): report the cancellation.
                response.Dispose();
                ct.ThrowIfCancellationRequested();
            }

            var status = (int)response.StatusCode;
            if (retryable && attempt < _options.MaxRetries && status is 429 or 503)
            {
                var delay = RetryDelay(response, attempt);
                response.Dispose();
                _options.OnRetry?.Invoke(new RetryInfo(method, path, status, attempt + 1, delay));
                await Task.Delay(delay, _options.TimeProvider, ct).ConfigureAwait(false);
                continue;
            }
            using (response)
                throw await ToExceptionAsync(response, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends a prepared body (a multipart upload) once, without retries or the client timeout (a 16 MB upload over a slow
    /// link may take minutes; cancel with <paramref name="ct"/>); returns the successful response or throws.
    /// </summary>
    public async Task<HttpResponseMessage> SendContentAsync(HttpMethod method, string path, HttpContent content, CancellationToken ct)
    {
        var credential = _options.ApiKeyProvider is { } provider ? await provider(ct).ConfigureAwait(false) : _options.ApiKey;
        using var request = BuildRequest(method, path, null, credential);
        request.Content = content;
        var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        using (response)
            throw await ToExceptionAsync(response, ct).ConfigureAwait(false);
    }

    private HttpRequestMessage BuildRequest(HttpMethod method, string path, byte[]? content, string? credential)
    {
        var request = new HttpRequestMessage(method, new Uri(BaseUrl, path));
        if (!string.IsNullOrEmpty(credential))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrEmpty(_options.UserAgent)) request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        if (content is not null)
        {
            request.Content = new ByteArrayContent(content);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }
        return request;
    }

    /// <summary>Retry-After when the server sent one (seconds or a date), else exponential backoff; capped by MaxRetryDelay.</summary>
    internal TimeSpan RetryDelay(HttpResponseMessage response, int attempt)
    {
        var delay = ParseRetryAfter(response) ?? _options.RetryBaseDelay * Math.Pow(2, attempt);
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        return delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay;
    }

    private TimeSpan? ParseRetryAfter(HttpResponseMessage response)
    {
        var ra = response.Headers.RetryAfter;
        if (ra?.Delta is { } delta) return delta;
        if (ra?.Date is { } date) return date - _options.TimeProvider.GetUtcNow();
        return null;
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var value = await JsonSerializer.DeserializeAsync<T>(stream, EdgeConductorJson.Options, ct).ConfigureAwait(false);
            return value ?? throw new JsonException($"The server answered {(int)response.StatusCode} with an empty body where JSON was expected.");
        }
    }

    /// <summary>Reads a problem+json body (or any other error body) into an exception.</summary>
    public async Task<EdgeConductorApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var retryAfter = ParseRetryAfter(response);
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            text = "";
        }
        string? code = null, title = null, detail = null, traceId = null;
        Dictionary<string, string[]>? errors = null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                code = GetString(root, "code");
                title = GetString(root, "title");
                detail = GetString(root, "detail") ?? GetString(root, "error") ?? GetString(root, "message");
                traceId = GetString(root, "trace_id");
                if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                {
                    errors = [];
                    foreach (var field in e.EnumerateObject())
                        errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                            ? field.Value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()).ToArray()
                            : [field.Value.ToString()];
                }
            }
        }
        catch (JsonException)
        {
            var trimmed = text.Trim();
            if (trimmed.Length > 0) detail = trimmed.Length > 500 ? trimmed[..500] + "…" : trimmed;
        }
        title ??= response.ReasonPhrase;
        detail ??= title ?? ((HttpStatusCode)status).ToString();
        return new EdgeConductorApiException(status, code, title, detail, errors, retryAfter, traceId);
    }

    private static string? GetString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Escapes one path segment (a serial number, an id).</summary>
    public static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    /// <summary>Builds <c>path?name=value&amp;…</c>, skipping null values.</summary>
    public static string WithQuery(string path, params (string Name, object? Value)[] query)
    {
        var sb = new StringBuilder(path);
        var first = true;
        foreach (var (name, value) in query)
        {
            if (value is null) continue;
            var text = value switch
            {
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
            sb.Append(first ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(text));
            first = false;
        }
        return sb.ToString();
    }
}
