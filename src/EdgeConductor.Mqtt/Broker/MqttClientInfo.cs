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

    public DateTimeOffset ConnectedAt { get; }

    public ushort KeepAlive { get; }
}
