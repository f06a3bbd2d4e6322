using EdgeConductor.Server.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EdgeConductor.Server.Hosting;

/// <summary>
/// Limits on the request line and headers, answered with problem+json: a request line over <see cref="MaxRequestLine"/>
/// bytes is 414 (<c>URI_TOO_LONG</c>), headers over <see cref="MaxHeadersTotal"/> bytes or <see cref="MaxHeaderCount"/>
/// fields are 431 (<c>HEADERS_TOO_LARGE</c>). Kestrel rejects oversized heads itself, before any application code runs and
/// with an empty body, so its own limits are set to twice these (<see cref="ConfigureKestrel"/>): everything between
/// ours and Kestrel's gets a problem body; only a head larger than Kestrel's limit (or one Kestrel cannot parse at all,
/// such as a NUL byte in the path) still gets Kestrel's bare 400/414/431 (docs/security.md).
/// </summary>
internal sealed class RequestHeadLimits(RequestDelegate next)
{
    /// <summary>Method, target and protocol of the request line, in bytes (Kestrel's default).</summary>
    public const int MaxRequestLine = 8 * 1024;

    /// <summary>All header names and values, in bytes (Kestrel's default).</summary>
    public const int MaxHeadersTotal = 32 * 1024;

    /// <summary>Header fields (Kestrel's default).</summary>
    public const int MaxHeaderCount = 100;

    /// <summary>Kestrel's hard limits: twice ours, so ours answer first.</summary>
    public static void ConfigureKestrel(KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = 2 * MaxRequestLine;
        limits.MaxRequestHeadersTotalSize = 2 * MaxHeadersTotal;
        limits.MaxRequestHeaderCount = 2 * MaxHeaderCount;
    }

    public Task InvokeAsync(HttpContext http)
    {
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target)) target = (http.Request.PathBase + http.Request.Path + http.Request.QueryString).ToString();
        var line = http.Request.Method.Length + 1 + target.Length + 1 + http.Request.Protocol.Length;
        if (line > MaxRequestLine)
            throw new ApiException(414, ErrorCodes.UriTooLong, $"The request line is {line} bytes; the limit is {MaxRequestLine}. Send long input in the body.");
        var count = 0;
        long total = 0;
        foreach (var (name, values) in http.Request.Headers)
        {
            foreach (var v in values)
            {
                count++;
                total += name.Length + (v?.Length ?? 0) + 4; // "name: value\r\n"
            }
        }
        if (count > MaxHeaderCount || total > MaxHeadersTotal)
            throw new ApiException(431, ErrorCodes.HeadersTooLarge,
                $"The request has {count} header fields in {total} bytes; the limits are {MaxHeaderCount} fields and {MaxHeadersTotal} bytes.");
        return next(http);
    }
}
