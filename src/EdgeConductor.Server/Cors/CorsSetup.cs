using EdgeConductor.Server.Hosting;
using EdgeConductor.Server.Notifications;

namespace EdgeConductor.Server.Cors;

/// <summary>
/// Cross-origin access to the REST API (/api/v1, live SSE streams included) for browser pages of the origins in
/// EC_CORS_ORIGINS, e.g. a dashboard using @edgeconductor/sdk. Credentials in the CORS sense (cookies, Allow-Credentials)
/// are never allowed: the API authenticates by the <c>Authorization</c> header, which the page sends itself, so <c>*</c>
/// is safe to offer. Preflights are answered before authentication and rate limiting. docs/sdk-js.md "Browsers".
/// </summary>
public static class CorsSetup
{
    private const string PolicyName = "ec-api";

    /// <summary>Request headers a cross-origin page may send.</summary>
    public static readonly string[] AllowedHeaders = ["Authorization", "Content-Type", "If-Match", "If-None-Match", "X-Device-Secret", "Last-Event-ID"];

    /// <summary>Response headers a cross-origin page may read (besides the CORS-safelisted ones such as Content-Type).</summary>
    public static readonly string[] ExposedHeaders = ["Retry-After", "Location", "ETag", "X-Total-Count", NotificationsApi.UnreadCountHeader, "WWW-Authenticate"];

    /// <summary>How long a browser may cache a preflight answer (seconds).</summary>
    public const int PreflightMaxAgeSeconds = 600;

    /// <summary>Registers the CORS policy when <see cref="EcOptions.CorsOrigins"/> is not empty.</summary>
    public static IServiceCollection AddEcCors(this IServiceCollection services, EcOptions options)
    {
        if (options.CorsOrigins.Count == 0) return services;
        return services.AddCors(o => o.AddPolicy(PolicyName, p =>
        {
            if (options.CorsOrigins is [CorsOrigins.Any]) p.AllowAnyOrigin();
            else p.WithOrigins([.. options.CorsOrigins]);
            p.WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
                .WithHeaders(AllowedHeaders)
                .WithExposedHeaders(ExposedHeaders)
                .SetPreflightMaxAge(TimeSpan.FromSeconds(PreflightMaxAgeSeconds));
        }));
    }

    /// <summary>Applies the policy to /api/v1 (nothing when EC_CORS_ORIGINS is empty). Call before authentication.</summary>
    public static IApplicationBuilder UseEcCors(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<EcOptions>().CorsOrigins.Count == 0) return app;
        return app.UseWhen(http => http.Request.Path.StartsWithSegments("/api/v1"), api => api.UseCors(PolicyName));
    }
}
