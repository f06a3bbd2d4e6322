using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>Input to <see cref="IMqttBrokerHooks.OnPublishAsync"/>.</summary>
public sealed class MqttPublishContext
{
    internal MqttPublishContext(MqttClientInfo client, MqttApplicationMessage message, bool isWill)
    {
        Client = client;
        Message = message;
        IsWill = isWill;
    }

    public MqttClientInfo Client { get; }

    public MqttApplicationMessage Message { get; }

    /// <summary>True when the broker is publishing the client's will message.</summary>
    public bool IsWill { get; }
}
