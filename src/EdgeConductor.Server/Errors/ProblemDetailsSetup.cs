using Microsoft.AspNetCore.Http.Features;

namespace EdgeConductor.Server.Errors;

internal static class ProblemDetailsSetup
{
    /// <summary>Every problem response carries a title for its status and a machine <c>code</c>.</summary>
    public static IServiceCollection AddEcProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var status = ctx.ProblemDetails.Status ?? ctx.HttpContext.Response.StatusCode;
            ctx.ProblemDetails.Status = status;
            ctx.ProblemDetails.Extensions.TryAdd("code", ErrorCodes.ForStatus(status));
            ctx.ProblemDetails.Detail ??= status switch
            {
                404 => $"No resource at {ctx.HttpContext.Request.Path}.",
                405 => $"{ctx.HttpContext.Request.Method} is not allowed on {ctx.HttpContext.Request.Path}.",
                413 => Hosting.RequestBodyLimits.TooLarge(Hosting.RequestBodyLimits.LimitFor(ctx.HttpContext.Request.Path)).Message,
                _ => ctx.ProblemDetails.Title,
            };
            ctx.ProblemDetails.Extensions.Remove("traceId");
            ctx.ProblemDetails.Extensions["trace_id"] = ctx.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity?.TraceId.ToString()
                ?? ctx.HttpContext.TraceIdentifier;
        });
        // After the default writer (registered by AddProblemDetails): used only when that one declines the Accept header.
        services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemDetailsWriter>();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }
}
