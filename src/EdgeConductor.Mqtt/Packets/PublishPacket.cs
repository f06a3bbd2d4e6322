using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Packets;

public sealed class PublishPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Publish;
    /// <summary>Topic name; may be empty in v5 when a topic alias is used.</summary>
    public string Topic { get; set; } = "";
    public ReadOnlyMemory<byte> Payload { get; set; }
    public MqttQualityOfService QoS { get; set; }
    public bool Retain { get; set; }
    public bool Dup { get; set; }
    public ushort PacketId { get; set; }
    public MqttProperties? Properties { get; set; }
}
