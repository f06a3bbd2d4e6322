using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Packets;

public sealed class ConnAckPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.ConnAck;
    public bool SessionPresent { get; set; }
    /// <summary>v5 reason code; for v3.1.1 it is mapped to/from the return code.</summary>
    public MqttReasonCode ReasonCode { get; set; }
    public MqttProperties? Properties { get; set; }
}
