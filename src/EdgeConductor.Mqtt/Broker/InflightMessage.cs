using EdgeConductor.Mqtt.Packets;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>An outbound QoS 1/2 message awaiting PUBACK / PUBREC / PUBCOMP.</summary>
internal sealed class InflightMessage
{
    public InflightMessage(PublishPacket packet, long sequence)
    {
        Packet = packet;
        Sequence = sequence;
    }

    public PublishPacket Packet { get; }

    /// <summary>Send order, for in-order redelivery on reconnect.</summary>
    public long Sequence { get; }

    /// <summary>Id of the message's row in the broker state store, 0 when not stored.</summary>
    public long PersistId { get; init; }

    /// <summary>QoS 2: PUBREC received, PUBREL sent, awaiting PUBCOMP.</summary>
    public bool Released { get; set; }
}
