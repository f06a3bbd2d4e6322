using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Packets;

public sealed class DisconnectPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Disconnect;
    public MqttReasonCode ReasonCode { get; set; }
    public MqttProperties? Properties { get; set; }
}
