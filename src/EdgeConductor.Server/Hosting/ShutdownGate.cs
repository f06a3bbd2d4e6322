using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Hosting;

/// <summary>
/// Requests during shutdown: one that arrives after SIGTERM is answered 503 problem+json (<c>SERVICE_UNAVAILABLE</c>)
/// at once; one whose body is still arriving when SIGTERM comes has its body read cut (<see cref="ShutdownCutBodyStream"/>)
/// and is answered 503 too, instead of waiting for the rest of the body until Kestrel aborts the connection (which
/// gave the client nothing, and the log a 500). Both answers close the connection (see <see cref="ProblemExceptionHandler"/>).
/// </summary>
internal sealed class ShutdownGate(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    public Task InvokeAsync(HttpContext http)
    {
        var stopping = lifetime.ApplicationStopping;
        if (stopping.IsCancellationRequested) throw ShuttingDown();
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            http.Request.Body = new ShutdownCutBodyStream(http.Request.BodyReader, stopping, ShuttingDown);
        }
        return next(http);
    }

    /// <summary>The 503 for a request cut by shutdown (also used by <see cref="ProblemExceptionHandler"/>).</summary>
    public static ApiException ShuttingDown()
    {
        return new ApiException(503, ErrorCodes.Unavailable, "The server is shutting down; the request was not processed. Retry in a moment.")
        {
            RetryAfter = TimeSpan.FromSeconds(5),
        };
    }
}
