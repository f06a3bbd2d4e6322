using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Packets;

public sealed class ConnectPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Connect;
    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V311;
    public string ClientId { get; set; } = "";
    public bool CleanStart { get; set; } = true;
    public ushort KeepAlive { get; set; }
    public string? UserName { get; set; }
    public ReadOnlyMemory<byte>? Password { get; set; }
    public MqttWillMessage? Will { get; set; }
    public MqttProperties? Properties { get; set; }
}
