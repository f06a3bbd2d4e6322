using System.Text.Encodings.Web;
using EdgeConductor.Server.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace EdgeConductor.Server.Auth;

/// <summary>
/// One scheme for both credentials a client may present as <c>Authorization: Bearer …</c>:
/// an org API key (<c>ec_live_…</c>, checked against the database on every request) or a JWT access token from
/// <c>/auth/login</c> (signature and lifetime, then the user's current state through <see cref="CallerValidator"/>).
/// </summary>
internal sealed class EcAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    TokenService tokens, ApiKeyStore apiKeys, CallerValidator validator) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "EdgeConductor";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <access token or API key>'.");
        var credential = header["Bearer ".Length..].Trim();
        if (credential.StartsWith(ApiKeyStore.KeyPrefix, StringComparison.Ordinal))
        {
            var key = await apiKeys.AuthenticateAsync(credential, Context.RequestAborted);
            return key is null
                ? AuthenticateResult.Fail("The API key is invalid or has been revoked.")
                : Success(ApiKeyStore.ToCaller(key));
        }
        var caller = await tokens.ValidateAsync(credential);
        if (caller is null) return AuthenticateResult.Fail("The access token is invalid or has expired.");
        // A signature proves who the token was issued to, not that the account still exists with those rights.
        return await validator.IsCurrentCachedAsync(caller, Context.RequestAborted)
            ? Success(caller)
            : AuthenticateResult.Fail("The access token's user no longer exists, is disabled, or its role changed; log in again.");
    }

    private AuthenticateResult Success(Caller caller) =>
        AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(SchemeName), SchemeName));

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await Context.AuthenticateAsync(SchemeName);
        var detail = result.Failure?.Message ?? "Authentication required: send 'Authorization: Bearer <access token or API key>'.";
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync(401, detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(403, "You do not have permission for this action.");

    private async Task WriteProblemAsync(int status, string detail)
    {
        Response.StatusCode = status;
        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        var problem = new ProblemDetails { Status = status, Detail = detail };
        problem.Extensions["code"] = ErrorCodes.ForStatus(status);
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem });
    }
}
