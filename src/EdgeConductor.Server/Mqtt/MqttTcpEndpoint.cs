using System.Net;
using System.Net.Sockets;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Transport;

namespace EdgeConductor.Server.Mqtt;

/// <summary>
/// Plain MQTT over TCP (EC_MQTT_PORT on EC_MQTT_BIND): the broker library's own socket listener rather than a Kestrel
/// connection handler. Kestrel's transport keeps two pipes, two transport loops, a feature collection and logging scopes
/// per connection (about 3.3 KB of the 6 KB an idle connection cost); the library's listener hands the socket to the
/// broker directly (docs/mqtt-server.md, "Memory per idle connection"). TLS (EC_MQTTS_PORT) and WebSockets stay on Kestrel.
/// Binds in <see cref="StartedAsync"/>, after every hosted service started (the stored broker state is loaded by then);
/// stops after <see cref="Hosting.ShutdownSequence"/> has disconnected the clients.
/// </summary>
internal sealed class MqttTcpEndpoint(MqttBroker broker, MqttServerOptions options, ILogger<MqttTcpEndpoint> log) : IHostedLifecycleService
{
    private readonly List<MqttTcpListener> _listeners = [];

    /// <summary>The endpoints EC_MQTT_BIND names: any address is [::] in dual mode (0.0.0.0 without IPv6), localhost is 127.0.0.1 (and ::1 when available).</summary>
    internal static IReadOnlyList<IPEndPoint> EndPoints(string host, int port) => host switch
    {
        "+" or "*" or "0.0.0.0" or "[::]" or "::" => [new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, port)],
        "localhost" => Socket.OSSupportsIPv6 ? [new IPEndPoint(IPAddress.Loopback, port), new IPEndPoint(IPAddress.IPv6Loopback, port)] : [new IPEndPoint(IPAddress.Loopback, port)],
        _ => [new IPEndPoint(IPAddress.Parse(host.Trim('[', ']')), port)],
    };

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (options.TcpPort <= 0) return Task.CompletedTask;
        foreach (var endPoint in EndPoints(options.BindAddress, options.TcpPort))
        {
            MqttTcpListener listener;
            try
            {
                listener = new MqttTcpListener(broker, endPoint, backlog: 4096);
            }
            catch (SocketException) when (endPoint.Address.Equals(IPAddress.IPv6Loopback) && _listeners.Count > 0)
            {
                continue; // localhost: ::1 is optional
            }
            listener.Start();
            lock (_listeners) _listeners.Add(listener);
            log.LogInformation("MQTT listening on {EndPoint}", listener.LocalEndPoint);
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host may stop twice at once (StopAsync and Dispose): each listener is disposed by exactly one of them.
        MqttTcpListener[] listeners;
        lock (_listeners)
        {
            listeners = [.. _listeners];
            _listeners.Clear();
        }
        foreach (var listener in listeners) await listener.DisposeAsync();
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
