using EdgeConductor.Server.Commands;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Live;
using EdgeConductor.Server.Notifications;
using EdgeConductor.Server.Presence;
using EdgeConductor.Server.Shadow;
using EdgeConductor.Server.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeConductor.Server.Hosting;

internal static class TelemetryRegistration
{
    /// <summary>The hot path: ingest (group commit), shadow, commands, live streams, presence, notifications.</summary>
    public static IServiceCollection AddTelemetryFeatures(this IServiceCollection s, IConfiguration config)
    {
        s.TryAddSingleton(TelemetryOptions.FromConfiguration(config));
        s.TryAddSingleton(new PresenceOptions());
        s.AddSingleton<TelemetryMetrics>();
        s.AddSingleton<TelemetryIngestor>();
        s.AddSingleton<RetentionWindow>();
        s.AddSingleton<IDeviceMessageSink>(sp => sp.GetRequiredService<TelemetryIngestor>());
        s.TryAddSingleton<ITelemetryCommit, TelemetryCommit>();
        s.AddSingleton<TelemetryWriter>();
        s.AddHostedService(sp => sp.GetRequiredService<TelemetryWriter>());
        s.AddSingleton<TelemetryStore>();
        s.AddSingleton<TelemetryRollupStore>();
        s.AddSingleton<TelemetryRollupWorker>();
        s.AddHostedService(sp => sp.GetRequiredService<TelemetryRollupWorker>());
        s.AddSingleton<RetentionWorker>();
        s.AddHostedService(sp => sp.GetRequiredService<RetentionWorker>());
        s.AddSingleton<ShadowStore>();
        s.AddSingleton<DesiredStateService>();
        s.AddSingleton<CommandStore>();
        s.AddSingleton<CommandAcks>();
        s.AddSingleton<DeviceEventHub>();
        s.AddSingleton<NotificationStore>();
        s.TryAddSingleton<INotifier, StoreNotifier>();
        s.AddSingleton<PresenceService>();
        s.AddHostedService<OfflineDetector>();
        s.TryAddSingleton<IDeviceGateway, UnconnectedDeviceGateway>();
        s.AddSingleton<IDeviceSubscriptionObserver, ShadowDelivery>();
        s.AddSingleton<IDeviceSubscriptionObserver, CommandDelivery>();
        return s;
    }
}
