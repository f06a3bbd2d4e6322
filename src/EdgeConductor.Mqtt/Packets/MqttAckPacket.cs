using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Packets;

/// <summary>Common shape of PUBACK, PUBREC, PUBREL and PUBCOMP.</summary>
public abstract class MqttAckPacket : MqttPacket
{
    public ushort PacketId { get; set; }
    public MqttReasonCode ReasonCode { get; set; }
    public MqttProperties? Properties { get; set; }
}
