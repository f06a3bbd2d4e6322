using EdgeConductor.Web.Components;
using EdgeConductor.Web.Session;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using MudBlazor.Services;

namespace EdgeConductor.Web;

/// <summary>
/// Hosting of the web console by the server: <see cref="AddEdgeConductorConsole"/> in service registration,
/// <see cref="MapEdgeConductorConsole"/> after authentication/authorization middleware. The console lives at <c>/</c>;
/// the API stays under <c>/api/v1</c>, Swagger UI under <c>/docs</c> (docs/web.md).
/// </summary>
public static class EdgeConductorConsoleExtensions
{
    /// <summary>
    /// Registers the console: Razor components (interactive server), MudBlazor, the cookie session scheme (not the default
    /// scheme: the API keeps its bearer scheme), the role policies, Data Protection with keys in
    /// <c>{DataDir}/console-keys</c>, and the per-circuit <see cref="ConsoleApi"/>.
    /// </summary>
    /// <param name="services">The server's services.</param>
    /// <param name="configuration">Read for EC_CONSOLE_API_URL (the API base URL the console calls; default: the server's own address).</param>
    /// <param name="dataDir">EC_DATA_DIR: Data Protection keys go to its <c>console-keys</c> folder.</param>
    /// <param name="configure">Further settings (tests).</param>
    public static IServiceCollection AddEdgeConductorConsole(this IServiceCollection services, IConfiguration configuration, string? dataDir,
        Action<ConsoleOptions>? configure = null)
    {
        var options = new ConsoleOptions { DataDir = dataDir };
        if (configuration["EC_CONSOLE_API_URL"] is { Length: > 0 } api)
        {
            if (!Uri.TryCreate(api, UriKind.Absolute, out var apiUrl) || apiUrl.Scheme is not ("http" or "https"))
                throw new InvalidOperationException($"EC_CONSOLE_API_URL must be an absolute http(s) URL, not '{api}'.");
            options.ApiBaseUrl = apiUrl;
        }
        configure?.Invoke(options);
        services.AddSingleton(options);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddCascadingAuthenticationState();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "ec_console_af";
            o.Cookie.SameSite = SameSiteMode.Lax;
        });

        var dp = services.AddDataProtection().SetApplicationName("EdgeConductor.Console");
        if (options.DataDir is not null)
        {
            var keys = Path.Combine(Path.GetFullPath(options.DataDir), "console-keys");
            Directory.CreateDirectory(keys);
            dp.PersistKeysToFileSystem(new DirectoryInfo(keys));
        }

        services.AddAuthentication().AddCookie(ConsoleAuth.Scheme, o =>
        {
            o.Cookie.Name = ConsoleAuth.CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = ConsoleAuth.LoginPath;
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = ConsoleAuth.NotAllowedPath;
            o.ExpireTimeSpan = options.SessionLifetime;
            o.SlidingExpiration = true;
            o.Events = new CookieAuthenticationEvents
            {
                OnValidatePrincipal = ctx => ctx.HttpContext.RequestServices.GetRequiredService<ConsoleSession>().ValidateAsync(ctx),
                OnRedirectToLogin = AccountEndpoints.RedirectToLogin,
            };
        });
        services.AddAuthorization(ConsolePolicies.Add);

        services.AddSingleton<ApiEndpoint>();
        services.AddSingleton<ConsoleHttp>();
        services.AddSingleton<VisitorAddress>();
        services.AddHttpContextAccessor();
        services.AddSingleton<SessionTokens>();
        services.AddSingleton<ConsoleSession>();
        services.AddSingleton<ConsoleBranding>();
        services.AddScoped<ConsoleApi>();
        return services;
    }

    /// <summary>
    /// Maps the console: static assets, the account form handlers and the Razor components. Call after
    /// UseAuthentication/UseAuthorization; adds the antiforgery middleware the forms need. Every console page needs a
    /// signed-in session unless it says [AllowAnonymous] (sign-in, not allowed, claim link).
    /// </summary>
    public static WebApplication MapEdgeConductorConsole(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapConsoleAccount();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .Add(RequireSessionExceptFramework);
        return app;
    }

    /// <summary>
    /// Pages and the Blazor hub need a console session (pages marked [AllowAnonymous] override it); the framework's own
    /// script (<c>_framework/…</c>) is public, as the sign-in page needs it.
    /// </summary>
    private static void RequireSessionExceptFramework(EndpointBuilder endpoint)
    {
        var pattern = (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText ?? "";
        if (pattern.TrimStart('/').StartsWith("_framework/", StringComparison.Ordinal)) endpoint.Metadata.Add(new AllowAnonymousAttribute());
        else endpoint.Metadata.Add(new AuthorizeAttribute(ConsolePolicies.SignedIn));
    }
}
