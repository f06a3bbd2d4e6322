using EdgeConductor.Mqtt.Packets;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>
/// Entry of a connection's ordered acknowledgement FIFO: either an inbound PUBLISH whose host hook is still running,
/// or an acknowledgement that is ready but must wait behind earlier ones.
/// </summary>
internal readonly struct PendingPublish
{
    public PendingPublish(PublishPacket packet, MqttApplicationMessage message, ValueTask<MqttPublishResult> hook)
    {
        Packet = packet;
        Message = message;
        Hook = hook;
        ReadyAck = null;
    }

    public PendingPublish(MqttPacket readyAck)
    {
        Packet = null;
        Message = null;
        Hook = default;
        ReadyAck = readyAck;
    }

    public PublishPacket? Packet { get; }

    public MqttApplicationMessage? Message { get; }

    public ValueTask<MqttPublishResult> Hook { get; }

    public MqttPacket? ReadyAck { get; }
}
