using System.Globalization;
using System.Text;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>
/// <c>$SYS/broker/…</c> statistics, published by the broker as retained QoS 0 messages every
/// <see cref="MqttBrokerOptions.SysTopicsInterval"/> (Mosquitto's convention; MQTT 3.1.1 §4.7.2 and MQTT 5.0 §4.7.2 reserve
/// topics starting with <c>$</c> for the server, and <c>#</c>/<c>+</c> filters never match them). Who may read them is the
/// host's delivery decision (<see cref="IMqttBrokerHooks.AuthorizeDeliveryAsync"/>); no client may publish under <c>$SYS</c>.
/// </summary>
public sealed partial class MqttBroker
{
    /// <summary>The topic prefix of the broker's statistics.</summary>
    public const string SysPrefix = "$SYS/";

    private ITimer? _sysTimer;
    private long _sysStartedTicks;
    private (long Ticks, long MessagesIn, long MessagesOut, long BytesIn, long BytesOut) _sysLast;

    /// <summary>True for <c>$SYS</c> and every topic under it: reserved to the broker, never accepted from a client.</summary>
    internal static bool IsSysTopic(string topic) =>
        topic.StartsWith(SysPrefix, StringComparison.Ordinal) || topic == "$SYS";

    private void StartSysTopics()
    {
        if (Options.SysTopicsInterval <= TimeSpan.Zero)
        {
            return;
        }

        _sysStartedTicks = NowTicks;
        _sysLast = (_sysStartedTicks, 0, 0, 0, 0);
        PublishSysTopics();
        _sysTimer = TimeProvider.CreateTimer(static s => ((MqttBroker)s!).PublishSysTopics(), this, Options.SysTopicsInterval, Options.SysTopicsInterval);
    }

    /// <summary>Publishes one round of statistics (timer callback; also callable by tests through the clock).</summary>
    private void PublishSysTopics()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            var stats = GetStatistics();
            var now = NowTicks;
            var last = _sysLast;
            var seconds = Math.Max(1e-3, (now - last.Ticks) / (double)TimeSpan.TicksPerSecond);
            _sysLast = (now, stats.MessagesReceived, stats.MessagesSent, stats.BytesReceived, stats.BytesSent);
            var uptime = (now - _sysStartedTicks) / TimeSpan.TicksPerSecond;
            Sys("uptime", uptime.ToString(CultureInfo.InvariantCulture) + " seconds");
            Sys("clients/connected", stats.ConnectedClients);
            Sys("sessions/count", stats.Sessions);
            Sys("subscriptions/count", stats.Subscriptions);
            Sys("retained messages/count", stats.RetainedMessages);
            Sys("messages/received", stats.MessagesReceived);
            Sys("messages/sent", stats.MessagesSent);
            Sys("messages/dropped", stats.MessagesDropped);
            Sys("bytes/received", stats.BytesReceived);
            Sys("bytes/sent", stats.BytesSent);
            Sys("load/messages/received/per_second", Rate(stats.MessagesReceived - last.MessagesIn, seconds));
            Sys("load/messages/sent/per_second", Rate(stats.MessagesSent - last.MessagesOut, seconds));
            Sys("load/bytes/received/per_second", Rate(stats.BytesReceived - last.BytesIn, seconds));
            Sys("load/bytes/sent/per_second", Rate(stats.BytesSent - last.BytesOut, seconds));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ReportError(ex, "$SYS publisher");
        }
    }

    private static string Rate(long delta, double seconds) => (delta / seconds).ToString("0.##", CultureInfo.InvariantCulture);

    private void Sys(string name, long value) => Sys(name, value.ToString(CultureInfo.InvariantCulture));

    private void Sys(string name, string value)
    {
        var message = CreateMessage("$SYS/broker/" + name, Encoding.UTF8.GetBytes(value), MqttQualityOfService.AtMostOnce, retain: true, properties: null, sender: null);
        _ = RouteAsync(message, null); // QoS 0: never waits for room
    }

    private ValueTask StopSysTopicsAsync() => _sysTimer?.DisposeAsync() ?? ValueTask.CompletedTask;
}
