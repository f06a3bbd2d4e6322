using EdgeConductor.Server.Commands;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Ota;
using EdgeConductor.Server.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeConductor.Server.Hosting;

/// <summary>OTA firmware updates (Ota/, docs/ota.md).</summary>
internal static class OtaRegistration
{
    public static IServiceCollection AddOta(this IServiceCollection s, IConfiguration config)
    {
        s.TryAddSingleton(OtaOptions.FromConfiguration(config));
        s.TryAddSingleton<IFirmwareStorage>(sp => new FileFirmwareStorage(sp.GetRequiredService<EcOptions>().DataDir));
        s.AddSingleton<FirmwareStore>();
        s.AddSingleton<OtaJobStore>();
        s.AddSingleton<DownloadToken>();
        s.AddSingleton<OtaUrls>();
        s.AddSingleton<OtaService>();
        s.AddSingleton<IDeviceSubscriptionObserver, OtaSubscriptionObserver>();
        s.AddSingleton<IPollContributor, OtaPollContributor>();
        s.AddSingleton<IDeviceReportHandler, OtaStatusHandler>();
        s.AddSingleton<OtaTelemetryObserver>();
        s.AddSingleton<ITelemetryObserver>(sp => sp.GetRequiredService<OtaTelemetryObserver>());
        s.AddHostedService(sp => sp.GetRequiredService<OtaTelemetryObserver>());
        s.AddSingleton<OtaWorker>();
        s.AddHostedService(sp => sp.GetRequiredService<OtaWorker>());
        return s;
    }

    public static RouteGroupBuilder MapOta(this RouteGroupBuilder api) => api.MapFirmwareApi().MapOtaJobsApi();
}
