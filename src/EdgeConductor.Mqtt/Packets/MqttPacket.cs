using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Packets;

/// <summary>Base type of every decoded or to-be-encoded MQTT control packet.</summary>
public abstract class MqttPacket
{
    public abstract MqttPacketType Type { get; }
}
