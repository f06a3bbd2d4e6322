using EdgeConductor.Mqtt.Broker;

namespace EdgeConductor.Server.Mqtt.Persistence;

/// <summary>
/// Loads the stored broker state at start, before Kestrel accepts MQTT connections (hosted services start before the
/// server), and logs how long it took (the restart benchmark reads this line).
/// </summary>
internal sealed class BrokerStateLoader(MqttBroker broker, TimeProvider clock, ILogger<BrokerStateLoader> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var sessions = await broker.LoadStateAsync(cancellationToken);
        var stats = broker.GetStatistics();
        // The broker's own $SYS statistics are retained too but never stored: count them apart from the restored ones.
        var sys = broker.CountRetained(MqttBroker.SysPrefix + "#");
        log.LogInformation("MQTT broker state restored: {Sessions} session(s), {Subscriptions} subscription(s), {Retained} retained message(s) in {Ms:F0} ms (plus {Sys} retained $SYS statistics topic(s) of the broker itself)",
            sessions, stats.Subscriptions, stats.RetainedMessages - sys, clock.GetElapsedTime(started).TotalMilliseconds, sys);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
