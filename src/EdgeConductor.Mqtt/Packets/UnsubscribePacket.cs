using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Packets;

public sealed class UnsubscribePacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Unsubscribe;
    public ushort PacketId { get; set; }
    public List<string> Filters { get; set; } = [];
    public MqttProperties? Properties { get; set; }
}
