using EdgeConductor.Sdk;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace EdgeConductor.Web.Session;

/// <summary>
/// The console's form handlers: sign-in (<c>POST /account/login</c>, e-mail + password, antiforgery-checked, calls
/// <c>POST /api/v1/auth/login</c> through the SDK and sets the session cookie), sign-out and the session keep-alive the
/// page calls so a long-open console rotates its cookie before the refresh token it holds is retired.
/// </summary>
public static class AccountEndpoints
{
    /// <summary>Maps <c>/account/login</c>, <c>/account/logout</c> and <c>/account/session</c>.</summary>
    public static void MapConsoleAccount(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/account").ExcludeFromDescription();
        g.MapPost("/login", LoginAsync).AllowAnonymous();
        g.MapPost("/logout", LogoutAsync).RequireAuthorization(ConsolePolicies.SignedIn);
        // Custom header: a cross-site page cannot send it without a CORS preflight, which this endpoint does not answer.
        g.MapPost("/session", (HttpContext ctx) => ctx.Request.Headers.ContainsKey("X-EC-Console") ? Results.NoContent() : Results.BadRequest())
            .RequireAuthorization(ConsolePolicies.SignedIn);
    }

    private static async Task<IResult> LoginAsync(HttpContext ctx, [FromForm] LoginForm form, ConsoleHttp http, ConsoleSession session)
    {
        var returnUrl = SafeReturnUrl(form.ReturnUrl);
        if (string.IsNullOrWhiteSpace(form.Email) || string.IsNullOrEmpty(form.Password))
            return Results.Redirect(LoginUrl("missing", returnUrl, form.Email));
        Sdk.Auth.TokenResponse tokens;
        try
        {
            tokens = await http.Anonymous().Auth.LoginAsync(form.Email.Trim(), form.Password, ctx.RequestAborted);
        }
        catch (EdgeConductorApiException e) when (e.Status == 429)
        {
            return Results.Redirect(LoginUrl("throttled", returnUrl, form.Email));
        }
        catch (EdgeConductorApiException e) when (e.Status is 400 or 401 or 403)
        {
            return Results.Redirect(LoginUrl("invalid", returnUrl, form.Email));
        }
        var principal = session.CreatePrincipal(tokens);
        await ctx.SignInAsync(ConsoleAuth.Scheme, principal, new AuthenticationProperties { IsPersistent = true });
        var home = ConsoleRoles.HomeFor(tokens.User.Role);
        return Results.Redirect(returnUrl ?? home);
    }

    private static async Task<IResult> LogoutAsync(HttpContext ctx, ConsoleSession session, [FromForm] LogoutForm _)
    {
        await session.SignOutAsync(ctx.User, ctx.RequestAborted);
        await ctx.SignOutAsync(ConsoleAuth.Scheme);
        return Results.Redirect(ConsoleAuth.LoginPath + "?signed_out=1");
    }

    private static string LoginUrl(string error, string? returnUrl, string? email)
    {
        var q = new Dictionary<string, string?> { ["error"] = error };
        if (returnUrl is not null) q["ReturnUrl"] = returnUrl;
        if (!string.IsNullOrWhiteSpace(email)) q["email"] = email.Trim();
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(ConsoleAuth.LoginPath, q);
    }

    /// <summary>A return URL only when it is a local path (no open redirect): starts with one '/', not '//' or '/\'.</summary>
    internal static string? SafeReturnUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/') return null;
        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\')) return null;
        if (url.StartsWith(ConsoleAuth.LoginPath, StringComparison.OrdinalIgnoreCase)) return null;
        return url;
    }

    /// <summary>The sign-in form.</summary>
    public sealed class LoginForm
    {
        /// <summary>The user's e-mail.</summary>
        public string? Email { get; set; }

        /// <summary>The user's password.</summary>
        public string? Password { get; set; }

        /// <summary>Where to go after signing in (a local path).</summary>
        public string? ReturnUrl { get; set; }
    }

    /// <summary>The sign-out form (only its antiforgery token).</summary>
    public sealed class LogoutForm
    {
        /// <summary>Unused; the form carries only the antiforgery token.</summary>
        public string? Reason { get; set; }
    }

    internal static Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> ctx)
    {
        var expired = ctx.HttpContext.Items.ContainsKey(ConsoleSession.ExpiredItem)
            || ctx.Request.Cookies.ContainsKey(ConsoleAuth.CookieName);
        var target = ctx.RedirectUri;
        if (expired) target = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(target, "expired", "1");
        ctx.Response.Redirect(target);
        return Task.CompletedTask;
    }
}
