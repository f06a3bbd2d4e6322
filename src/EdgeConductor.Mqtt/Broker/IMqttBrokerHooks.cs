using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>
/// Extension points for the host. All are ValueTask-based; <see cref="MqttBrokerHooks"/> is the allow-everything default.
/// Hooks run on the connection's own read path; a slow hook only delays that client.
/// </summary>
public interface IMqttBrokerHooks
{
    /// <summary>Called for every CONNECT. Reject maps 0x86 to v3 return code 4 and 0x87 to 5.</summary>
    ValueTask<MqttAuthenticationResult> AuthenticateAsync(MqttConnectContext context, CancellationToken cancellationToken);

    /// <summary>Called per topic filter of a SUBSCRIBE, before it is added.</summary>
    ValueTask<MqttSubscribeAuthorization> AuthorizeSubscribeAsync(MqttClientInfo client, MqttTopicSubscription subscription, CancellationToken cancellationToken);

    /// <summary>
    /// Called for every inbound PUBLISH before it is routed or acknowledged. The PUBACK/PUBREC goes out only after
    /// this completes; the connection keeps reading meanwhile and acknowledgements stay in receive order.
    /// </summary>
    ValueTask<MqttPublishResult> OnPublishAsync(MqttPublishContext context, CancellationToken cancellationToken);

    /// <summary>Called after the SUBACK has been queued for a successful subscription. Messages published from here reach the client after the SUBACK.</summary>
    ValueTask OnSubscribedAsync(MqttClientInfo client, MqttTopicSubscription subscription, CancellationToken cancellationToken);

    /// <summary>
    /// Called once per filter that was actually removed, before the UNSUBACK is queued: once the client has its UNSUBACK,
    /// the host no longer counts the subscription.
    /// </summary>
    ValueTask OnUnsubscribedAsync(MqttClientInfo client, string filter, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Called for every application message just before it is written to a subscriber: routed live, queued while the
    /// session was offline, or retained and queued at SUBSCRIBE. Return false to drop it for this subscriber only
    /// (counted as dropped with reason <c>not_authorized</c>; nothing is sent, the publisher is not told). Rights are
    /// thus decided at delivery time, against what the receiver may read now, not when it subscribed.
    /// Hot path — one call per message per subscriber, on the subscriber's output loop: complete synchronously
    /// (from a cache) in the common case; an asynchronous result holds back only this subscriber's later messages.
    /// An exception counts as false and is reported through <see cref="MqttBrokerOptions.OnError"/>.
    /// The broker may also call it when it routes a message to a connected subscriber, as a pre-filter: a synchronous
    /// false there means the message is not even queued (so a wildcard subscriber's queue holds only what it may read).
    /// </summary>
    ValueTask<bool> AuthorizeDeliveryAsync(MqttClientInfo client, MqttApplicationMessage message, CancellationToken cancellationToken) => new(true);

    ValueTask OnClientConnectedAsync(MqttClientInfo client);

    ValueTask OnClientDisconnectedAsync(MqttClientInfo client, MqttDisconnectReason reason);
}
