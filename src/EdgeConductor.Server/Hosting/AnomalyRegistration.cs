using EdgeConductor.Server.Anomalies;
using EdgeConductor.Server.Telemetry;

namespace EdgeConductor.Server.Hosting;

internal static class AnomalyRegistration
{
    /// <summary>Anomaly detection (docs/anomalies.md): stores, the detector (a telemetry observer and its worker).</summary>
    public static IServiceCollection AddAnomalies(this IServiceCollection s)
    {
        s.AddSingleton<AnomalyStore>();
        s.AddSingleton<AnomalySettingsStore>();
        s.AddSingleton<AnomalyDetector>();
        s.AddSingleton<ITelemetryObserver>(sp => sp.GetRequiredService<AnomalyDetector>());
        s.AddHostedService(sp => sp.GetRequiredService<AnomalyDetector>());
        return s;
    }
}
