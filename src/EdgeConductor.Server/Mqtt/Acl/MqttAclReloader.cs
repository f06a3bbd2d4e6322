using System.Runtime.InteropServices;

namespace EdgeConductor.Server.Mqtt.Acl;

/// <summary>
/// Reloads the ACL file on SIGHUP (like Mosquitto). A bad file is logged and the rules in force stay. SIGHUP never stops
/// the server (a daemon's SIGHUP means "reload", and .NET's default would shut down): without EC_MQTT_ACL_FILE it is logged
/// and ignored.
/// </summary>
internal sealed class MqttAclReloader(MqttAclStore store, ILogger<MqttAclReloader> log) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows()) return Task.CompletedTask;
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP means "reload" here, not "terminate"
            if (store.Path is null)
            {
                log.LogInformation("SIGHUP: no EC_MQTT_ACL_FILE is set, nothing to reload");
                return;
            }

            try
            {
                store.Reload();
            }
            catch (Exception ex) when (ex is MqttAclFormatException or IOException or UnauthorizedAccessException)
            {
                log.LogError("SIGHUP: EC_MQTT_ACL_FILE {Path} not reloaded, the previous rules stay: {Error}", store.Path, ex.Message);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registration?.Dispose();
}
