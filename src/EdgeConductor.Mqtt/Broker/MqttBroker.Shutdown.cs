using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

public sealed partial class MqttBroker
{
    /// <summary>
    /// Ends every connection because the server is stopping: MQTT 5 clients receive DISCONNECT with reason code 0x8B
    /// Server shutting down (MQTT 5.0 §3.14.2.1) before the network connection is closed; MQTT 3.1.1 has no server
    /// DISCONNECT (§3.14), so those connections are just closed. Waits until every connection has finished or
    /// <paramref name="timeout"/> has passed (wall-clock, <see cref="System.TimeProvider.System"/>: it bounds a process
    /// shutdown, not broker time), and returns how many connections were still open then (0 = all closed cleanly).
    /// The broker stays usable (sessions are kept in memory); call <see cref="DisposeAsync"/> to release it.
    /// </summary>
    public async Task<int> DisconnectAllAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var running = new List<Task>();
        foreach (var connection in _connections.Keys)
        {
            connection.Abort(MqttDisconnectReason.ServerShutdown, MqttReasonCode.ServerShuttingDown);
            running.Add(connection.Completion);
        }

        if (running.Count == 0)
        {
            return 0;
        }

        await Task.WhenAny(Task.WhenAll(running), Task.Delay(timeout, System.TimeProvider.System, cancellationToken)).ConfigureAwait(false);
        return running.Count(t => !t.IsCompleted);
    }
}
