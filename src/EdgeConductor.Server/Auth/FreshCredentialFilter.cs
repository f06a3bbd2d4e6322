using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Auth;

/// <summary>
/// Endpoint filter for endpoints that create credentials (API keys, users, device secrets) or change accounts: the caller's
/// key or user is re-read from the database (no cache) before the handler runs, so a token of a user deleted or disabled a
/// moment ago cannot mint a permanent credential. 401 problem otherwise.
/// </summary>
public sealed class FreshCredentialFilter : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (Caller.FromPrincipal(http.User) is { } caller
            && !await http.RequestServices.GetRequiredService<CallerValidator>().IsCurrentAsync(caller, http.RequestAborted))
            throw ApiException.Unauthorized("Your credential is no longer valid (user deleted or disabled, role changed, or key revoked); log in again.");
        return await next(context);
    }
}

/// <summary>Marks endpoints that need a fresh credential check (<see cref="FreshCredentialFilter"/>).</summary>
public static class FreshCredentialFilterExtensions
{
    /// <summary>Re-validates the caller against the database, uncached, before the handler runs.</summary>
    public static TBuilder RequireFreshCredential<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, FreshCredentialFilter>();
}
