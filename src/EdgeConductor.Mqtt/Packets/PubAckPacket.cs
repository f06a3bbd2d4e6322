using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Packets;

public sealed class PubAckPacket : MqttAckPacket
{
    public override MqttPacketType Type => MqttPacketType.PubAck;
}
