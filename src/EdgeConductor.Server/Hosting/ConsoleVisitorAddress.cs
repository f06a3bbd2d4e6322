using EdgeConductor.Web.Session;

namespace EdgeConductor.Server.Hosting;

/// <summary>
/// First in the pipeline: a request carrying <see cref="VisitorAddress.HeaderName"/> with this process's secret comes from
/// the in-process web console, and its client address becomes the visitor's the header names, so per-IP limits
/// (EC_ANON_RATE_LIMIT, failed-login throttling) and audit entries see each console visitor, not loopback. The header is
/// removed from every request; with a wrong or missing secret the connection's own address stays (a remote client
/// cannot choose its address). Forwarded headers (X-Forwarded-For) are not honoured anywhere (docs/security.md).
/// </summary>
internal sealed class ConsoleVisitorAddress(RequestDelegate next, VisitorAddress visitor)
{
    public Task InvokeAsync(HttpContext http)
    {
        if (http.Request.Headers.Remove(VisitorAddress.HeaderName, out var value) && visitor.TryRead(value.ToString()) is { } ip)
            http.Connection.RemoteIpAddress = ip;
        return next(http);
    }
}
