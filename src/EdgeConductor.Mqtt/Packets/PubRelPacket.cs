using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Packets;

public sealed class PubRelPacket : MqttAckPacket
{
    public override MqttPacketType Type => MqttPacketType.PubRel;
}
