using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace EdgeConductor.Server.Errors;

/// <summary>Turns every exception into a problem+json response; no stack trace reaches a client.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, IHostApplicationLifetime lifetime,
    ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        // A request cut by shutdown (its body read or its work ended by SIGTERM) is a 503, not a 500.
        if (exception is not ApiException && lifetime.ApplicationStopping.IsCancellationRequested)
            exception = Hosting.ShutdownGate.ShuttingDown();
        var (status, code, detail, errors, retryAfter) = exception switch
        {
            ApiException api => (api.Status, api.Code, api.Message, api.Errors, api.RetryAfter),
            BadHttpRequestException { StatusCode: 413 } => (413, ErrorCodes.PayloadTooLarge,
                Hosting.RequestBodyLimits.TooLarge(Hosting.RequestBodyLimits.LimitFor(http.Request.Path)).Message, null, null),
            BadHttpRequestException bad => (bad.StatusCode, ErrorCodes.ForStatus(bad.StatusCode), BindingErrors.Describe(bad, http), null, null),
            JsonException json => (400, ErrorCodes.BadRequest, BindingErrors.DescribeJson(json), null, null),
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => (499, "CLIENT_CLOSED", "The client closed the request.", null, (TimeSpan?)null),
            _ => (500, ErrorCodes.Internal, "An unexpected error occurred.", (IReadOnlyDictionary<string, string[]>?)null, (TimeSpan?)null),
        };
        if (status >= 500 && status != 503) log.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
        if (http.Response.HasStarted) return true;

        http.Response.StatusCode = status;
        // 413 and 503 leave a request body unread: close the connection instead of draining it.
        if (status is 413 or 503) http.Response.Headers.Connection = "close";
        if (retryAfter is { } ra) http.Response.Headers.RetryAfter = ((int)Math.Ceiling(ra.TotalSeconds)).ToString();
        var problem = errors is null ? new ProblemDetails() : new ValidationProblemDetails(errors.ToDictionary());
        problem.Status = status;
        problem.Detail = detail;
        problem.Extensions["code"] = code;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }
}
