using System.Runtime.CompilerServices;

namespace EdgeConductor.Server.Errors;

/// <summary>
/// When routing found the route but not the Content-Type it accepts, ASP.NET selects its own "415 Unsupported Media
/// Type" endpoint. That endpoint carries none of the route's metadata (not even AllowAnonymous), so the authorization
/// fallback policy would answer an anonymous caller — a device sending its X-Device-Secret with curl's default form
/// Content-Type — 401 "Authentication required", which says nothing about what is wrong. This middleware, placed
/// before authentication, answers such requests 415 application/problem+json naming the Content-Type that was sent
/// and the one the route accepts (RFC 9110 §15.5.16).
/// <para>
/// The framework's endpoint has no public type, and its display name is an implementation detail, so it is recognised
/// by what it is and does: a routing rejection endpoint (not a <see cref="RouteEndpoint"/>, no metadata — every route we
/// map is a <see cref="RouteEndpoint"/> with metadata) whose delegate answers 415 when run against a scratch context
/// (it only sets the status). The answer is remembered per endpoint instance; the 405 rejection endpoint passes through.
/// </para>
/// </summary>
public sealed class UnsupportedMediaTypeFirst(RequestDelegate next)
{
    private static readonly ConditionalWeakTable<Endpoint, object> Answers = new();

    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint() is not { } endpoint || !await IsUnsupportedMediaTypeEndpointAsync(endpoint, http.RequestServices))
        {
            await next(http);
            return;
        }
        var sent = string.IsNullOrEmpty(http.Request.ContentType) ? "none" : $"'{http.Request.ContentType}'";
        throw new ApiException(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
            $"This endpoint takes a JSON body: send 'Content-Type: application/json' (the request's Content-Type was {sent}).");
    }

    /// <summary>Whether <paramref name="endpoint"/> is a routing rejection endpoint that answers 415.</summary>
    internal static async ValueTask<bool> IsUnsupportedMediaTypeEndpointAsync(Endpoint endpoint, IServiceProvider services)
    {
        if (endpoint is RouteEndpoint || endpoint.Metadata.Count != 0 || endpoint.RequestDelegate is not { } run) return false;
        if (Answers.TryGetValue(endpoint, out var known)) return (bool)known;
        var scratch = new DefaultHttpContext { RequestServices = services };
        await run(scratch);
        var is415 = scratch.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType;
        Answers.AddOrUpdate(endpoint, is415);
        return is415;
    }
}
