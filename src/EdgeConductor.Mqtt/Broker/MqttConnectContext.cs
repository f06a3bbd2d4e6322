using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>Input to <see cref="IMqttBrokerHooks.AuthenticateAsync"/>.</summary>
public sealed class MqttConnectContext
{
    internal MqttConnectContext(ConnectPacket packet, string clientId, MqttConnectionInfo connection)
    {
        Packet = packet;
        ClientId = clientId;
        Connection = connection;
    }

    internal ConnectPacket Packet { get; }

    /// <summary>Client id (the assigned one when the client sent an empty id).</summary>
    public string ClientId { get; }

    public MqttConnectionInfo Connection { get; }

    public MqttProtocolVersion ProtocolVersion => Packet.ProtocolVersion;

    public string? UserName => Packet.UserName;

    public ReadOnlyMemory<byte>? Password => Packet.Password;

    public bool CleanStart => Packet.CleanStart;

    public ushort KeepAlive => Packet.KeepAlive;

    public MqttWillMessage? Will => Packet.Will;

    /// <summary>v5 CONNECT properties (authentication method/data, user properties...).</summary>
    public MqttProperties? Properties => Packet.Properties;
}
