using System.Diagnostics;

namespace EdgeConductor.Server.Hosting;

/// <summary>
/// One log line per HTTP request (category <c>EdgeConductor.Requests</c>, Information): method, path, the query with
/// credentials masked (<see cref="QueryRedaction"/>), status and duration. It replaces ASP.NET Core's own
/// "Request starting/finished" lines (category <c>Microsoft.AspNetCore.Hosting.Diagnostics</c>), which log the full URL
/// including <c>?api_key=…</c>; <see cref="ServiceRegistration"/> raises that category to Warning.
/// </summary>
internal sealed class RequestLogging(RequestDelegate next, ILoggerFactory loggers)
{
    /// <summary>The log category of the request lines.</summary>
    public const string Category = "EdgeConductor.Requests";

    /// <summary>ASP.NET Core's own request lines, which contain the unredacted URL.</summary>
    public const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private readonly ILogger _log = loggers.CreateLogger(Category);

    public async Task InvokeAsync(HttpContext http)
    {
        if (!_log.IsEnabled(LogLevel.Information))
        {
            await next(http);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            _log.LogInformation("HTTP {Method} {Path}{Query} answered {Status} in {ElapsedMs:0.0} ms",
                http.Request.Method, http.Request.Path.Value, QueryRedaction.Redact(http.Request.QueryString.Value),
                http.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
