namespace EdgeConductor.Server.Errors;

/// <summary>
/// When routing found the route but not the Content-Type it accepts, ASP.NET selects its own "415 Unsupported Media
/// Type" endpoint. That endpoint carries none of the route's metadata (not even AllowAnonymous), so the authorization
/// fallback policy would answer an anonymous caller — a device sending its X-Device-Secret with curl's default form
/// Content-Type — 401 "Authentication required", which says nothing about what is wrong. This middleware, placed
/// before authentication, answers such requests 415 application/problem+json naming the Content-Type that was sent
/// and the one the route accepts (RFC 9110 §15.5.16).
/// </summary>
public sealed class UnsupportedMediaTypeFirst(RequestDelegate next)
{
    /// <summary>The display name ASP.NET's AcceptsMatcherPolicy gives its 415 endpoint.</summary>
    internal const string Http415EndpointName = "415 HTTP Unsupported Media Type";

    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.DisplayName != Http415EndpointName)
        {
            await next(http);
            return;
        }
        var sent = string.IsNullOrEmpty(http.Request.ContentType) ? "none" : $"'{http.Request.ContentType}'";
        throw new ApiException(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
            $"This endpoint takes a JSON body: send 'Content-Type: application/json' (the request's Content-Type was {sent}).");
    }
}
