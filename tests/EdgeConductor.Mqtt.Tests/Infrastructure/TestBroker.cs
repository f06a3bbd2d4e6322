using System.Net;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Transport;

namespace EdgeConductor.Mqtt.Tests.Infrastructure;

/// <summary>A broker on a real loopback TCP listener (ephemeral port).</summary>
internal sealed class TestBroker : IAsyncDisposable
{
    private readonly List<MqttClient> _clients = [];

    private TestBroker(MqttBroker broker, MqttTcpListener listener, List<Exception> errors)
    {
        Broker = broker;
        Listener = listener;
        Errors = errors;
    }

    public MqttBroker Broker { get; }

    public MqttTcpListener Listener { get; }

    public int Port => Listener.LocalEndPoint.Port;

    /// <summary>Unexpected exceptions the broker reported (hook failures excluded by tests that provoke them).</summary>
    public List<Exception> Errors { get; }

    public static TestBroker Start(Action<MqttBrokerOptions>? configure = null)
    {
        var options = new MqttBrokerOptions();
        configure?.Invoke(options);
        var errors = new List<Exception>();
        var previous = options.OnError;
        options.OnError = (ex, ctx) =>
        {
            lock (errors)
            {
                errors.Add(ex);
            }

            previous?.Invoke(ex, ctx);
        };
        var broker = new MqttBroker(options);
        var listener = new MqttTcpListener(broker, new IPEndPoint(IPAddress.Loopback, 0));
        listener.Start();
        return new TestBroker(broker, listener, errors);
    }

    public MqttClient CreateClient(string clientId, MqttProtocolVersion version = MqttProtocolVersion.V500, Action<MqttClientOptions>? configure = null)
    {
        var options = new MqttClientOptions
        {
            Port = Port,
            ClientId = clientId,
            ProtocolVersion = version,
            KeepAliveSeconds = 60,
        };
        configure?.Invoke(options);
        var client = new MqttClient(options);
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    public async Task<MqttClient> ConnectAsync(string clientId, MqttProtocolVersion version = MqttProtocolVersion.V500, Action<MqttClientOptions>? configure = null)
    {
        var client = CreateClient(clientId, version, configure);
        await client.ConnectAsync();
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await Listener.DisposeAsync();
        await Broker.DisposeAsync();
    }
}
