using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Packets;

public sealed class PubRecPacket : MqttAckPacket
{
    public override MqttPacketType Type => MqttPacketType.PubRec;
}
