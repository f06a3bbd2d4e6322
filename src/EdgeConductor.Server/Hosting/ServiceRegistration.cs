using System.Text.Json;
using EdgeConductor.Server.Anomalies;
using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Commands;
using EdgeConductor.Server.Cors;
using EdgeConductor.Server.Live;
using EdgeConductor.Server.Mqtt;
using EdgeConductor.Server.Mqtt.Acl;
using EdgeConductor.Server.Notifications;
using EdgeConductor.Server.Shadow;
using EdgeConductor.Server.Telemetry;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Observability;
using EdgeConductor.Server.RoomClaims;
using EdgeConductor.Server.Storage;
using EdgeConductor.Server.Storage.Migrations;
using EdgeConductor.Server.Tenancy;
using EdgeConductor.Server.Webhooks;
using EdgeConductor.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeConductor.Server.Hosting;

public static class ServiceRegistration
{
    public static WebApplicationBuilder AddEdgeConductor(this WebApplicationBuilder builder)
    {
        var options = EcOptions.FromConfiguration(builder.Configuration);
        var s = builder.Services;
        s.AddSingleton(options);
        s.TryAddSingleton(PublicUrlOptions.FromConfiguration(builder.Configuration)); // EC_PUBLIC_URL, read once: OTA and notifications
        s.TryAddSingleton(TimeProvider.System);
        s.AddSingleton(sp => Database.Create(options.DataDir, options.Database, options.SqliteSynchronous,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeConductor.Storage")));
        s.AddSingleton<Migrator>();
        s.AddSingleton<SettingsStore>();

        s.AddSingleton<TokenService>();
        s.AddSingleton<UserStore>();
        s.AddSingleton<RefreshTokenStore>();
        s.AddSingleton<LoginThrottle>();
        s.AddSingleton<ApiKeyStore>();
        s.AddSingleton<CallerValidator>();
        s.AddSingleton<OrgStore>();
        s.AddSingleton<AccessEpoch>();
        s.AddSingleton<LiveAccess>();
        s.AddSingleton<RateLimiterRegistry>();
        s.AddSingleton<PartnerStore>();
        s.AddSingleton<RoomStore>();
        s.AddSingleton<DeviceStore>();
        s.AddSingleton<AuditLog>();
        s.AddSingleton<PrometheusExporter>();
        s.AddSingleton<MetricsAccess>();
        s.AddSingleton<DeviceGauges>();
        s.AddTelemetryFeatures(builder.Configuration);
        s.AddWebhooks(builder.Configuration);
        s.AddAnomalies();
        s.AddNotifications(builder.Configuration);
        s.AddRules(builder.Configuration);
        s.AddOta(builder.Configuration);
        s.AddRoomClaims();
        s.AddEdgeConductorConsole(builder.Configuration, options.DataDir);
        s.AddHttpContextAccessor();
        s.AddScoped<RequestContext>();

        s.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = null;
        });
        s.AddEcProblemDetails();
        // Binding failures (malformed JSON, wrong types) throw, so ProblemExceptionHandler can name the problem.
        s.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        s.AddAuthentication(EcAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, EcAuthenticationHandler>(EcAuthenticationHandler.SchemeName, null);
        s.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        s.AddEcOpenApi();
        s.AddEcCors(options);

        builder.AddBuiltInBroker(options);
        s.AddBrokerState(builder.Configuration);
        AddHardening(builder);
        return builder;
    }

    /// <summary>Request limits, log redaction and the shutdown order (docs/security.md).</summary>
    private static void AddHardening(WebApplicationBuilder builder)
    {
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownSequence.ShutdownTimeout);
        builder.Services.AddHostedService<ShutdownSequence>();
        // ASP.NET Core's "Request starting/finished" lines carry the full URL with its query (?api_key=…); RequestLogging
        // writes the same line with credentials masked.
        builder.Logging.AddFilter(RequestLogging.HostingCategory, LogLevel.Warning);
        // Kestrel logs rejected request lines (with their query) at Debug under this category.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.BadRequests", LogLevel.Information);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = RequestBodyLimits.DefaultBytes;
            RequestHeadLimits.ConfigureKestrel(k.Limits);
        });
    }

    /// <summary>Schema migrations, signing key, and the bootstrap super admin — before the first request.</summary>
    public static async Task InitializeEdgeConductorAsync(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeConductor");
        var db = app.Services.GetRequiredService<Database>();
        log.LogInformation("Storage: {Database}", db.Description);
        await app.Services.GetRequiredService<Migrator>().MigrateAsync(Schema.All);
        await app.Services.GetRequiredService<TokenService>().InitializeAsync(CancellationToken.None);
        await BootstrapAdmin.EnsureAsync(app.Services, log);
        app.Services.GetRequiredService<PrometheusExporter>();
        app.Services.GetRequiredService<MetricsAccess>(); // a bad EC_METRICS_TOKEN stops the start-up
        app.Services.GetRequiredService<DeviceGauges>();
    }

    public static WebApplication MapEdgeConductor(this WebApplication app)
    {
        app.UseMiddleware<ConsoleVisitorAddress>(); // before anything reads the client address
        app.UseMiddleware<RequestLogging>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseEcCors(); // before authentication and rate limits: preflights are answered here
        app.UseMiddleware<ShutdownGate>();
        app.UseMiddleware<RequestHeadLimits>();
        app.UseMiddleware<RequestBodyLimits>();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "EdgeConductor v1");
            o.DocumentTitle = "EdgeConductor API";
        });
        app.UseWebSockets();
        app.UseMiddleware<UnsupportedMediaTypeFirst>(); // 415 before the fallback policy can turn it into 401
        app.UseAuthentication();
        app.UseMiddleware<PlanRateLimitMiddleware>();
        app.UseAuthorization();

        app.MapHealthApi();
        app.MapMqttWebSocket();
        app.MapOpenApi().AllowAnonymous();

        var api = app.MapGroup("/api/v1");
        api.MapAuthApi();
        api.MapOrgsApi();
        api.MapPartnersApi();
        api.MapApiKeysApi();
        api.MapUsersApi();
        api.MapDevicesApi();
        api.MapAuditApi();
        api.MapTelemetryApi();
        api.MapShadowApi();
        api.MapCommandsApi();
        api.MapStreamApi();
        api.MapNotificationsApi();
        api.MapMqttAclApi();
        api.MapWebhooksApi();
        api.MapAnomaliesApi();
        Rules.RulesApi.MapRulesApi(api);
        api.MapOta();
        api.MapBrandingApi();
        api.MapRoomClaimsApi();
        app.MapEdgeConductorConsole();
        return app;
    }
}
