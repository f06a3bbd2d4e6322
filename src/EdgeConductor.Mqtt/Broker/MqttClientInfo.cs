using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>The host's view of a connected client / session.</summary>
public sealed class MqttClientInfo
{
    internal MqttClientInfo(string clientId, string? userName, MqttProtocolVersion version, MqttConnectionInfo connection, object? principal, DateTimeOffset connectedAt, ushort keepAlive, string owner = MqttAuthenticationResult.DefaultOwner)
    {
        ClientId = clientId;
        Owner = owner;
        UserName = userName;
        ProtocolVersion = version;
        Connection = connection;
        Principal = principal;
        ConnectedAt = connectedAt;
        KeepAlive = keepAlive;
    }

    public string ClientId { get; }

    /// <summary>Owner of the client's session, as named by <see cref="IMqttBrokerHooks.AuthenticateAsync"/> (<see cref="MqttAuthenticationResult.Owner"/>).</summary>
    public string Owner { get; }

    /// <summary>The identity of the client's session: (<see cref="Owner"/>, <see cref="ClientId"/>).</summary>
    public MqttSessionKey SessionKey => new(Owner, ClientId);

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
