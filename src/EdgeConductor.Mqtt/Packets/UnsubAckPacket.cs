using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Packets;

public sealed class UnsubAckPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.UnsubAck;
    public ushort PacketId { get; set; }
    /// <summary>v5 only (absent on the wire in v3.1.1).</summary>
    public List<MqttReasonCode> ReasonCodes { get; set; } = [];
    public MqttProperties? Properties { get; set; }
}
