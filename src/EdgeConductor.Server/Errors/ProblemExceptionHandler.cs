using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace EdgeConductor.Server.Errors;

/// <summary>Turns every exception into a problem+json response; no stack trace reaches a client.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, code, detail, errors, retryAfter) = exception switch
        {
            ApiException api => (api.Status, api.Code, api.Message, api.Errors, api.RetryAfter),
            BadHttpRequestException bad => (bad.StatusCode, ErrorCodes.ForStatus(bad.StatusCode), DescribeBadRequest(bad), null, null),
            JsonException json => (400, ErrorCodes.BadRequest, "Malformed JSON: " + json.Message, null, null),
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => (499, "CLIENT_CLOSED", "The client closed the request.", null, (TimeSpan?)null),
            _ => (500, ErrorCodes.Internal, "An unexpected error occurred.", (IReadOnlyDictionary<string, string[]>?)null, (TimeSpan?)null),
        };
        if (status >= 500) log.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
        if (http.Response.HasStarted) return true;

        http.Response.StatusCode = status;
        if (retryAfter is { } ra) http.Response.Headers.RetryAfter = ((int)Math.Ceiling(ra.TotalSeconds)).ToString();
        var problem = errors is null ? new ProblemDetails() : new ValidationProblemDetails(errors.ToDictionary());
        problem.Status = status;
        problem.Detail = detail;
        problem.Extensions["code"] = code;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private static string DescribeBadRequest(BadHttpRequestException bad)
    {
        // Minimal APIs wrap JSON binding errors; the inner JsonException names the path ($.serial_no).
        for (Exception? e = bad; e is not null; e = e.InnerException)
            if (e is JsonException json) return "Malformed JSON body: " + json.Message;
        return bad.Message;
    }
}
