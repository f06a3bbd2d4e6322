using Microsoft.AspNetCore.Http;

namespace EdgeConductor.Web.Session;

/// <summary>
/// Adds <see cref="VisitorAddress.HeaderName"/> to each API call the console makes while it handles a visitor's request
/// (a form post, a page render, a Blazor circuit): the remote address of that request. With no current request (a
/// background task) the header is left off and the API sees the console's own loopback address, as before.
/// </summary>
internal sealed class VisitorAddressHandler(VisitorAddress visitor, IHttpContextAccessor current) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(VisitorAddress.HeaderName);
        if (current.HttpContext?.Connection.RemoteIpAddress is { } ip)
            request.Headers.TryAddWithoutValidation(VisitorAddress.HeaderName, visitor.HeaderValue(ip));
        return base.SendAsync(request, cancellationToken);
    }
}
