using EdgeConductor.Mqtt.Broker;

namespace EdgeConductor.Server.Hosting;

/// <summary>
/// What SIGTERM does, in order (docs/security.md, "Shutdown"):
/// 1. ApplicationStopping: new HTTP requests and cut request bodies are answered 503 (<see cref="ShutdownGate"/>);
///    live streams end (Live/).
/// 2. <see cref="StoppingAsync"/> (before Kestrel stops): every MQTT connection ends — v5 with DISCONNECT 0x8B Server
///    shutting down, 3.1.1 by closing the connection — waiting up to <see cref="MqttDisconnectWait"/>.
/// 3. Kestrel stops (waits for running requests, at most <see cref="ShutdownTimeout"/> overall).
/// 4. The telemetry writer commits what is queued and refuses new messages (503 / not acknowledged), then the host exits 0.
/// </summary>
internal sealed class ShutdownSequence(MqttBroker broker, ILogger<ShutdownSequence> log) : IHostedLifecycleService
{
    /// <summary>The host's whole stop budget (HostOptions.ShutdownTimeout), instead of .NET's default 30 s.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long MQTT clients get to take their DISCONNECT before Kestrel stops anyway.</summary>
    public static readonly TimeSpan MqttDisconnectWait = TimeSpan.FromSeconds(3);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        try
        {
            var open = await broker.DisconnectAllAsync(MqttDisconnectWait, cancellationToken);
            if (open > 0) log.LogWarning("{Count} MQTT connection(s) did not close within {Wait}; Kestrel closes them", open, MqttDisconnectWait);
            await broker.SaveStateAsync(cancellationToken); // in-flight packet ids, and every change durable (docs/mqtt-server.md, "Persistence")
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            log.LogWarning("Ending MQTT connections was cut short: {Reason}", ex.Message);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
