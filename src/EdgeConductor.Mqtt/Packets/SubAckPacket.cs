using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Packets;

public sealed class SubAckPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.SubAck;
    public ushort PacketId { get; set; }
    /// <summary>One per filter. v3.1.1 uses 0x00-0x02 and 0x80 only.</summary>
    public List<MqttReasonCode> ReasonCodes { get; set; } = [];
    public MqttProperties? Properties { get; set; }
}
