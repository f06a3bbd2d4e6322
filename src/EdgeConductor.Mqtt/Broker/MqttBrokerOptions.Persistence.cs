using EdgeConductor.Mqtt.Broker.Persistence;

namespace EdgeConductor.Mqtt.Broker;

public sealed partial class MqttBrokerOptions
{
    /// <summary>
    /// Where retained messages and persistent sessions are kept across restarts (see <see cref="IBrokerStateStore"/>);
    /// null (the default) keeps them in memory only. The host calls <see cref="MqttBroker.LoadStateAsync"/> before accepting
    /// connections and <see cref="MqttBroker.SaveStateAsync"/> after the last one closed.
    /// </summary>
    public IBrokerStateStore? StateStore { get; set; }
}
