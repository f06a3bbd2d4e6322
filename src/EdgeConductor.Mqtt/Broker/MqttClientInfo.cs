using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>The host's view of a connected client / session.</summary>
public sealed class MqttClientInfo
{
    internal MqttClientInfo(string clientId, string? userName, MqttProtocolVersion version, MqttConnectionInfo connection, object? principal, DateTimeOffset connectedAt, ushort keepAlive)
    {
        ClientId = clientId;
        UserName = userName;
        ProtocolVersion = version;
        Connection = connection;
        Principal = principal;
        ConnectedAt = connectedAt;
        KeepAlive = keepAlive;
    }

    public string ClientId { get; }

    public string? UserName { get; }

    public MqttProtocolVersion ProtocolVersion { get; }

    public MqttConnectionInfo Connection { get; }

    /// <summary>Opaque object attached by <see cref="IMqttBrokerHooks.AuthenticateAsync"/>.</summary>
    public object? Principal { get; }

    /// <summary>
    /// Per-connection state owned by the host (e.g. its cached authorization of this client); the broker never reads
    /// or writes it. Starts null.
    /// </summary>
    public object? HostState { get; set; }

    public DateTimeOffset ConnectedAt { get; }

    public ushort KeepAlive { get; }
}
