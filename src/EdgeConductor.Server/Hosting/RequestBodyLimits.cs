using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Shadow;
using EdgeConductor.Server.Telemetry;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeConductor.Server.Hosting;

/// <summary>
/// Per-route request body limits, enforced before any handler reads the body: a declared <c>Content-Length</c> over the
/// limit is answered at once with 413 problem+json (<c>PAYLOAD_TOO_LARGE</c>) without reading a byte; a chunked body is
/// cut off by Kestrel once it passes the limit (<see cref="IHttpMaxRequestBodySizeFeature"/>), also 413.
/// The limits (documented in docs/api.md): <c>/api/v1/auth/*</c> 16 KB; device telemetry 512 KB (a buffered array of up to 256 KB), shadow desired 16 KB on the
/// wire (the payload rules themselves allow 8 KB, <see cref="DevicePayload.MaxBytes"/> and
/// <see cref="ShadowApi.MaxDesiredBytes"/>, answered 400 by the handler between 8 and 16 KB); everything else
/// <see cref="DefaultBytes"/>. Kestrel's own 30 MB default is never reached.
/// </summary>
internal sealed class RequestBodyLimits(RequestDelegate next)
{
    /// <summary>Bodies of every route without a smaller limit: 64 KB (the largest documented request is far below).</summary>
    public const long DefaultBytes = 64 * 1024;

    /// <summary>Login, refresh and logout bodies: 16 KB (an e-mail, a password, a token).</summary>
    public const long AuthBytes = 16 * 1024;

    /// <summary>PATCH …/shadow/desired: 16 KB on the wire for an 8 KB payload.</summary>
    public const long DeviceMessageBytes = 2 * DevicePayload.MaxBytes;

    /// <summary>POST …/telemetry: 512 KB on the wire for a buffered array (or NDJSON) of at most 256 KB.</summary>
    public const long TelemetryBytes = 2 * DevicePayload.MaxBatchBytes;

    public Task InvokeAsync(HttpContext http)
    {
        // A route may declare its own limit (OTA firmware upload: EC_OTA_MAX_FIRMWARE_BYTES plus the multipart framing).
        var limit = http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize
            ?? LimitFor(http.Request.Path);
        if (http.Request.ContentLength is { } declared && declared > limit)
        {
            // Nothing is read; the 413 answer closes the connection so the unread body is not drained.
            throw TooLarge(limit);
        }
        var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = limit;
        return next(http);
    }

    /// <summary>The limit in bytes for a request path (method-independent: only these routes take bodies).</summary>
    public static long LimitFor(PathString path)
    {
        var p = path.Value ?? "";
        if (p.StartsWith("/api/v1/auth/", StringComparison.OrdinalIgnoreCase)) return AuthBytes;
        if (p.StartsWith("/api/v1/devices/", StringComparison.OrdinalIgnoreCase))
        {
            var trimmed = p.TrimEnd('/');
            if (trimmed.EndsWith("/telemetry", StringComparison.OrdinalIgnoreCase)) return TelemetryBytes;
            if (trimmed.EndsWith("/shadow/desired", StringComparison.OrdinalIgnoreCase)) return DeviceMessageBytes;
        }
        return DefaultBytes;
    }

    /// <summary>The 413 answer, for a declared length here and for Kestrel's cut-off in <see cref="ProblemExceptionHandler"/>.</summary>
    public static ApiException TooLarge(long limit) =>
        new(413, ErrorCodes.PayloadTooLarge, $"The request body is larger than this route accepts ({limit} bytes).");
}
