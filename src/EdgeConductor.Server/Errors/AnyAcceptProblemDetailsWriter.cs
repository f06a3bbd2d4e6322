using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace EdgeConductor.Server.Errors;

/// <summary>
/// The last problem writer: writes problem+json whatever the request's <c>Accept</c> says. The default writer declines
/// requests that do not accept JSON — an SSE client sends only <c>Accept: text/event-stream</c> (browsers' EventSource,
/// the SDKs' live streams) — and then a 401 or 404 on <c>/devices/:serial/stream</c> became an empty 500. An error
/// body in a type the client did not ask for is what RFC 9110 §12.5.1 allows ("MAY ... disregard the header field").
/// </summary>
internal sealed class AnyAcceptProblemDetailsWriter(IOptions<ProblemDetailsOptions> options, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
{
    /// <inheritdoc />
    public bool CanWrite(ProblemDetailsContext context) => true;

    /// <inheritdoc />
    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, problem.GetType(), json.Value.SerializerOptions,
            "application/problem+json", http.RequestAborted));
    }
}
