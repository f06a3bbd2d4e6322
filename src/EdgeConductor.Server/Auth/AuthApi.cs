using System.ComponentModel.DataAnnotations;
using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Auth;

public static class AuthApi
{
    public sealed record LoginRequest([property: Required] string? Email, [property: Required] string? Password);
    public sealed record RefreshRequest([property: Required] string? RefreshToken);
    public sealed record TokenResponse(string AccessToken, string RefreshToken, string TokenType, int ExpiresIn, UserDto User);
    public sealed record MeResponse(string Kind, string Id, string Role, string? Email, string? OrgId, string? PartnerId, string? RoomId,
        string? Name, string? OrgName);

    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/auth").WithTags("Auth");
        g.MapPost("/login", Login).AllowAnonymous().Produces<TokenResponse>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(429);
        g.MapPost("/refresh", Refresh).AllowAnonymous().Produces<TokenResponse>().ProducesProblem(400).ProducesProblem(401);
        g.MapPost("/logout", Logout).Produces(StatusCodes.Status204NoContent).ProducesProblem(400).ProducesProblem(404);
        g.MapGet("/me", Me).Produces<MeResponse>();
        return api;
    }

    private static async Task<IResult> Login(LoginRequest? body, UserStore users, TokenService tokens, RefreshTokenStore refresh,
        LoginThrottle throttle, AuditLog audit, HttpContext http)
    {
        body = Check.Body(body);
        var email = UserStore.NormalizeEmail(Check.Required(body.Email, "email", 254));
        var password = Check.Required(body.Password, "password", 1024);
        var ip = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var user = await users.FindByEmailAsync(email, http.RequestAborted);
        if (throttle.RetryAfter(email, ip) is { } wait)
        {
            await audit.WriteAsync(new AuditEntry(user?.OrgId, AuditActions.LoginThrottled, "anonymous", null, "user", user?.Id,
                new { email, retry_after_s = (int)Math.Ceiling(wait.TotalSeconds) }, ip), http.RequestAborted);
            throw ApiException.RateLimited("Too many failed logins from this address. Try again later.", wait);
        }
        // One PBKDF2 verification whatever the case (a dummy hash for an unknown or disabled account): the answer and its
        // timing are the same, so neither reveals which e-mails have accounts. A disabled user is refused like a wrong password.
        if (!users.VerifyLogin(user, password))
        {
            throttle.RecordFailure(email, ip);
            await audit.WriteAsync(new AuditEntry(user?.OrgId, AuditActions.LoginFailed, "anonymous", null, "user", user?.Id,
                new { email }, ip), http.RequestAborted);
            throw ApiException.Unauthorized("Invalid e-mail or password.");
        }
        throttle.RecordSuccess(email, ip);
        await audit.WriteAsync(new AuditEntry(user.OrgId, AuditActions.LoginSucceeded, Caller.UserKind, user.Id, "user", user.Id, null, ip),
            http.RequestAborted);
        var rt = await refresh.IssueAsync(user.Id, null, http.RequestAborted);
        return TypedResults.Ok(Issue(user, tokens, rt));
    }

    private static async Task<IResult> Refresh(RefreshRequest? body, UserStore users, TokenService tokens, RefreshTokenStore refresh,
        AuditLog audit, HttpContext http)
    {
        body = Check.Body(body);
        var token = Check.Required(body.RefreshToken, "refresh_token", 512);
        var (outcome, userId, next) = await refresh.RotateAsync(token, http.RequestAborted);
        if (outcome == RefreshTokenStore.RotateOutcome.Reused)
        {
            var u = userId is null ? null : await users.FindByIdAsync(userId, http.RequestAborted);
            await audit.WriteAsync(new AuditEntry(u?.OrgId, AuditActions.RefreshTokenReused, "anonymous", null, "user", userId, null,
                http.Connection.RemoteIpAddress?.ToString()), http.RequestAborted);
            throw ApiException.Unauthorized("This refresh token was already used; every session of its login has been revoked.");
        }
        if (outcome != RefreshTokenStore.RotateOutcome.Rotated || next is null || userId is null)
            throw ApiException.Unauthorized("The refresh token is invalid, expired or revoked.");
        var user = await users.FindByIdAsync(userId, http.RequestAborted);
        if (user is null || user.IsDisabled)
        {
            await refresh.RevokeAsync(next, null, http.RequestAborted);
            throw ApiException.Unauthorized("The refresh token is invalid, expired or revoked.");
        }
        return TypedResults.Ok(Issue(user, tokens, next));
    }

    private static async Task<IResult> Logout(RefreshRequest? body, RefreshTokenStore refresh, RequestContext ctx)
    {
        if (ctx.Caller.Kind != Caller.UserKind) throw ApiException.BadRequest("API keys have no session to log out of; revoke the key instead.");
        var token = Check.Required(Check.Body(body).RefreshToken, "refresh_token", 512);
        if (!await refresh.RevokeAsync(token, ctx.Caller.Id, ctx.Aborted))
            throw ApiException.NotFound("No session with that refresh token.");
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Me(RequestContext ctx, UserStore users, ApiKeyStore keys, OrgStore orgs)
    {
        var c = ctx.Caller;
        var org = c.OrgId is null ? null : await orgs.FindAsync(c.OrgId, ctx.Aborted);
        if (c.Kind == Caller.ApiKeyKind)
        {
            var key = await keys.FindAsync(c.Id, ctx.Aborted);
            return TypedResults.Ok(new MeResponse(c.Kind, c.Id, c.Role, null, c.OrgId, null, null, key?.Name, org?.Name));
        }
        var user = await users.FindByIdAsync(c.Id, ctx.Aborted) ?? throw ApiException.Unauthorized("The user no longer exists.");
        return TypedResults.Ok(new MeResponse(c.Kind, user.Id, user.Role, user.Email, user.OrgId, user.PartnerId, user.RoomId, null, org?.Name));
    }

    private static TokenResponse Issue(UserRecord user, TokenService tokens, string refreshToken) =>
        new(tokens.CreateAccessToken(user.ToCaller()), refreshToken, "Bearer", (int)tokens.AccessTokenLifetime.TotalSeconds, UserDto.From(user));
}
