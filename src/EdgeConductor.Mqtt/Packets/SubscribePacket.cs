using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Packets;

public sealed class SubscribePacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Subscribe;
    public ushort PacketId { get; set; }
    public List<MqttTopicSubscription> Subscriptions { get; set; } = [];
    public MqttProperties? Properties { get; set; }
}
