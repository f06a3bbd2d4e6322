using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>Default hooks: everything allowed. Derive and override what you need.</summary>
public class MqttBrokerHooks : IMqttBrokerHooks
{
    public static MqttBrokerHooks AllowAll { get; } = new();

    public virtual ValueTask<MqttAuthenticationResult> AuthenticateAsync(MqttConnectContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(MqttAuthenticationResult.Accept());

    public virtual ValueTask<MqttSubscribeAuthorization> AuthorizeSubscribeAsync(MqttClientInfo client, MqttTopicSubscription subscription, CancellationToken cancellationToken) =>
        ValueTask.FromResult(MqttSubscribeAuthorization.Grant(subscription.QoS));

    public virtual ValueTask<MqttPublishResult> OnPublishAsync(MqttPublishContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(MqttPublishResult.Accept);

    public virtual ValueTask OnSubscribedAsync(MqttClientInfo client, MqttTopicSubscription subscription, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public virtual ValueTask OnUnsubscribedAsync(MqttClientInfo client, string filter, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public virtual ValueTask<bool> AuthorizeDeliveryAsync(MqttClientInfo client, MqttApplicationMessage message, CancellationToken cancellationToken) => new(true);

    public virtual ValueTask OnClientConnectedAsync(MqttClientInfo client) => ValueTask.CompletedTask;

    public virtual ValueTask OnClientDisconnectedAsync(MqttClientInfo client, MqttDisconnectReason reason) => ValueTask.CompletedTask;
}
