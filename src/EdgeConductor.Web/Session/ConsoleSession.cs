using System.Globalization;
using System.Security.Claims;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace EdgeConductor.Web.Session;

/// <summary>
/// Sign-in, silent refresh and sign-out of the console session. The cookie keeps the user's API token pair; a request
/// whose access token expires within <see cref="ConsoleOptions.RefreshBefore"/> trades the refresh token for a new pair
/// (<c>POST /auth/refresh</c>) and the cookie is re-issued with it. A refused refresh (revoked, expired, user disabled)
/// ends the session: the next page is the sign-in page with "Your session has expired".
/// </summary>
public sealed class ConsoleSession(ConsoleHttp http, SessionTokens tokens, ConsoleOptions options, TimeProvider clock,
    ILogger<ConsoleSession> log)
{
    /// <summary>The claims principal of a fresh sign-in from the API's token answer.</summary>
    public ClaimsPrincipal CreatePrincipal(TokenResponse t)
    {
        var sessionId = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var pair = new TokenPair(t.AccessToken, t.RefreshToken, ExpiresMs(t.ExpiresIn));
        tokens.Store(sessionId, pair);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, t.User.Id),
            new(ClaimTypes.Name, t.User.Email),
            new(ClaimTypes.Role, t.User.Role),
            new(ConsoleAuth.UserIdClaim, t.User.Id),
            new(ConsoleAuth.EmailClaim, t.User.Email),
            new(ConsoleAuth.SessionIdClaim, sessionId),
        };
        if (t.User.OrgId is { } org) claims.Add(new Claim(ConsoleAuth.OrgIdClaim, org));
        if (t.User.PartnerId is { } partner) claims.Add(new Claim(ConsoleAuth.PartnerIdClaim, partner));
        if (t.User.RoomId is { } room) claims.Add(new Claim(ConsoleAuth.RoomIdClaim, room));
        return WithTokens(new ClaimsPrincipal(new ClaimsIdentity(claims, ConsoleAuth.Scheme, ClaimTypes.Name, ClaimTypes.Role)), pair);
    }

    /// <summary>The token pair a principal carries (null when it is not a console principal).</summary>
    public static TokenPair? PairOf(ClaimsPrincipal user)
    {
        var access = user.FindFirst(ConsoleAuth.AccessTokenClaim)?.Value;
        var refresh = user.FindFirst(ConsoleAuth.RefreshTokenClaim)?.Value;
        var exp = user.FindFirst(ConsoleAuth.AccessExpiresClaim)?.Value;
        if (access is null || refresh is null || !long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)) return null;
        return new TokenPair(access, refresh, ms);
    }

    /// <summary>The session id claim of a principal.</summary>
    public static string? SessionIdOf(ClaimsPrincipal user) => user.FindFirst(ConsoleAuth.SessionIdClaim)?.Value;

    /// <summary>
    /// The current pair of a session, refreshed first when the access token expires within
    /// <see cref="ConsoleOptions.RefreshBefore"/>. Null when the API refuses the refresh (the session is over).
    /// </summary>
    public async Task<TokenPair?> CurrentAsync(string sessionId, TokenPair fromCookie, CancellationToken ct)
    {
        var pair = tokens.Current(sessionId, fromCookie);
        if (!NeedsRefresh(pair)) return pair;
        var gate = tokens.LockFor(sessionId);
        await gate.WaitAsync(ct);
        try
        {
            pair = tokens.Current(sessionId, fromCookie);
            if (!NeedsRefresh(pair)) return pair;
            try
            {
                var t = await http.Anonymous().Auth.RefreshAsync(pair.RefreshToken, ct);
                var fresh = new TokenPair(t.AccessToken, t.RefreshToken, ExpiresMs(t.ExpiresIn));
                tokens.Store(sessionId, fresh);
                return fresh;
            }
            catch (EdgeConductorApiException e) when (e.Status is 400 or 401 or 403)
            {
                log.LogInformation("Console session refresh refused ({Status} {Code}); the session ends", e.Status, e.Code);
                tokens.Remove(sessionId);
                return null;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Cookie event: refreshes the pair when due and re-issues the cookie, or rejects an ended session.</summary>
    public async Task ValidateAsync(CookieValidatePrincipalContext ctx)
    {
        var user = ctx.Principal;
        var cookiePair = user is null ? null : PairOf(user);
        var sessionId = user is null ? null : SessionIdOf(user);
        if (user is null || cookiePair is null || sessionId is null)
        {
            Reject(ctx);
            return;
        }
        TokenPair? current;
        try
        {
            current = await CurrentAsync(sessionId, cookiePair, ctx.HttpContext.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            // The API is unreachable for a moment: keep the session, the page will show the error.
            log.LogWarning(e, "Console session refresh failed; keeping the session");
            return;
        }
        if (current is null)
        {
            Reject(ctx);
            return;
        }
        if (current != cookiePair)
        {
            ctx.ReplacePrincipal(WithTokens(user, current));
            ctx.ShouldRenew = true;
        }
    }

    /// <summary>Ends the session at the API (the refresh token stops working) and forgets it here.</summary>
    public async Task SignOutAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var pair = PairOf(user);
        var sessionId = SessionIdOf(user);
        if (pair is null || sessionId is null) return;
        pair = tokens.Current(sessionId, pair);
        tokens.Remove(sessionId);
        try
        {
            using var client = http.Create(_ => ValueTask.FromResult<string?>(pair.AccessToken));
            await client.Auth.LogoutAsync(pair.RefreshToken, ct);
        }
        catch (Exception e) when (e is EdgeConductorApiException or HttpRequestException)
        {
            log.LogInformation("Console sign-out: the API did not confirm the logout ({Message})", e.Message);
        }
    }

    /// <summary>Marks the request so the redirect to sign-in carries "expired".</summary>
    private static void Reject(CookieValidatePrincipalContext ctx)
    {
        ctx.HttpContext.Items[ExpiredItem] = true;
        ctx.RejectPrincipal();
        _ = ctx.HttpContext.SignOutAsync(ConsoleAuth.Scheme);
    }

    /// <summary>HttpContext item set when a session cookie was present but has ended.</summary>
    internal const string ExpiredItem = "ec-console-expired";

    private bool NeedsRefresh(TokenPair pair) => clock.GetUtcNow().ToUnixTimeMilliseconds() >= pair.AccessExpiresMs - (long)options.RefreshBefore.TotalMilliseconds;

    private long ExpiresMs(int expiresInSeconds) => clock.GetUtcNow().ToUnixTimeMilliseconds() + expiresInSeconds * 1000L;

    private static ClaimsPrincipal WithTokens(ClaimsPrincipal user, TokenPair pair)
    {
        var old = (ClaimsIdentity)user.Identity!;
        var claims = old.Claims.Where(c => c.Type is not (ConsoleAuth.AccessTokenClaim or ConsoleAuth.RefreshTokenClaim or ConsoleAuth.AccessExpiresClaim)).ToList();
        claims.Add(new Claim(ConsoleAuth.AccessTokenClaim, pair.AccessToken));
        claims.Add(new Claim(ConsoleAuth.RefreshTokenClaim, pair.RefreshToken));
        claims.Add(new Claim(ConsoleAuth.AccessExpiresClaim, pair.AccessExpiresMs.ToString(CultureInfo.InvariantCulture)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, ConsoleAuth.Scheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}
