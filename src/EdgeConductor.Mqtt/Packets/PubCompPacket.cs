using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Packets;

public sealed class PubCompPacket : MqttAckPacket
{
    public override MqttPacketType Type => MqttPacketType.PubComp;
}
