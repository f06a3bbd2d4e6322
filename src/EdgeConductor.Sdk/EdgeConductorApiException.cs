using System.Net;

namespace EdgeConductor.Sdk;

/// <summary>
/// The server answered with an error (HTTP 4xx or 5xx). Carries the fields of its application/problem+json body.
/// Network failures surface as <see cref="HttpRequestException"/> instead.
/// </summary>
public sealed class EdgeConductorApiException : Exception
{
    /// <summary>Creates the exception from the parts of a problem response.</summary>
    public EdgeConductorApiException(int status, string? code, string? title, string? detail,
        IReadOnlyDictionary<string, string[]>? errors = null, TimeSpan? retryAfter = null, string? traceId = null)
        : base(BuildMessage(status, code, title, detail))
    {
        Status = status;
        Code = code;
        Title = title;
        Detail = detail;
        Errors = errors ?? new Dictionary<string, string[]>();
        RetryAfter = retryAfter;
        TraceId = traceId;
    }

    /// <summary>The HTTP status code, e.g. 404.</summary>
    public int Status { get; }

    /// <summary>The status as an <see cref="HttpStatusCode"/>.</summary>
    public HttpStatusCode StatusCode => (HttpStatusCode)Status;

    /// <summary>The server's machine-readable error code, e.g. <c>NOT_FOUND</c>, <c>CONFLICT</c>, <c>RATE_LIMITED</c>.</summary>
    public string? Code { get; }

    /// <summary>The short title of the problem, e.g. "Not Found".</summary>
    public string? Title { get; }

    /// <summary>The server's explanation, e.g. "Device 'X' not found."</summary>
    public string? Detail { get; }

    /// <summary>Validation errors by field name (empty unless the server sent some).</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>The wait the server asked for (Retry-After), on 429 and 503.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The trace id of the failed request, for the server's logs.</summary>
    public string? TraceId { get; }

    private static string BuildMessage(int status, string? code, string? title, string? detail)
    {
        var what = detail ?? title ?? "The server returned an error.";
        return code is null ? $"{what} (HTTP {status})" : $"{what} (HTTP {status} {code})";
    }
}
