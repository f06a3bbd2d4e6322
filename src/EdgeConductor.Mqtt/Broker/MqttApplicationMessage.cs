using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>An application message as routed by the broker (immutable once routed).</summary>
public sealed class MqttApplicationMessage
{
    public MqttApplicationMessage(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfService qos = MqttQualityOfService.AtMostOnce, bool retain = false, MqttProperties? properties = null)
    {
        Topic = topic;
        Payload = payload;
        QoS = qos;
        Retain = retain;
        Properties = properties;
    }

    public string Topic { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    public MqttQualityOfService QoS { get; }

    public bool Retain { get; }

    /// <summary>v5 properties forwarded to subscribers (payload format, content type, response topic, correlation data, user properties, message expiry).</summary>
    public MqttProperties? Properties { get; }

    /// <summary>Client id of the publisher; null for server-originated messages.</summary>
    public string? SenderClientId { get; internal set; }

    /// <summary>Absolute expiry (UTC ticks) derived from the message expiry interval; 0 = never.</summary>
    internal long ExpiresAtTicks { get; set; }
}
