using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Packets;

namespace EdgeConductor.Mqtt.Tests.Infrastructure;

/// <summary>Hooks whose behaviour each test plugs in.</summary>
internal sealed class TestHooks : MqttBrokerHooks
{
    public Func<MqttConnectContext, ValueTask<MqttAuthenticationResult>>? Authenticate { get; set; }

    public Func<MqttClientInfo, MqttTopicSubscription, ValueTask<MqttSubscribeAuthorization>>? AuthorizeSubscribe { get; set; }

    public Func<MqttPublishContext, ValueTask<MqttPublishResult>>? Publish { get; set; }

    public Func<MqttClientInfo, MqttTopicSubscription, ValueTask>? Subscribed { get; set; }

    public Func<MqttClientInfo, MqttApplicationMessage, ValueTask<bool>>? AuthorizeDelivery { get; set; }

    public List<(string ClientId, MqttDisconnectReason Reason)> Disconnects { get; } = [];

    public List<(string ClientId, string Filter)> Unsubscribes { get; } = [];

    public override ValueTask OnUnsubscribedAsync(MqttClientInfo client, string filter, CancellationToken cancellationToken)
    {
        lock (Unsubscribes)
        {
            Unsubscribes.Add((client.ClientId, filter));
        }

        return ValueTask.CompletedTask;
    }

    public List<string> Connects { get; } = [];

    public override ValueTask<MqttAuthenticationResult> AuthenticateAsync(MqttConnectContext context, CancellationToken cancellationToken) =>
        Authenticate?.Invoke(context) ?? base.AuthenticateAsync(context, cancellationToken);

    public override ValueTask<MqttSubscribeAuthorization> AuthorizeSubscribeAsync(MqttClientInfo client, MqttTopicSubscription subscription, CancellationToken cancellationToken) =>
        AuthorizeSubscribe?.Invoke(client, subscription) ?? base.AuthorizeSubscribeAsync(client, subscription, cancellationToken);

    public override ValueTask<MqttPublishResult> OnPublishAsync(MqttPublishContext context, CancellationToken cancellationToken) =>
        Publish?.Invoke(context) ?? base.OnPublishAsync(context, cancellationToken);

    public override ValueTask OnSubscribedAsync(MqttClientInfo client, MqttTopicSubscription subscription, CancellationToken cancellationToken) =>
        Subscribed?.Invoke(client, subscription) ?? base.OnSubscribedAsync(client, subscription, cancellationToken);

    public override ValueTask<bool> AuthorizeDeliveryAsync(MqttClientInfo client, MqttApplicationMessage message, CancellationToken cancellationToken) =>
        AuthorizeDelivery?.Invoke(client, message) ?? base.AuthorizeDeliveryAsync(client, message, cancellationToken);

    public override ValueTask OnClientConnectedAsync(MqttClientInfo client)
    {
        lock (Connects)
        {
            Connects.Add(client.ClientId);
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask OnClientDisconnectedAsync(MqttClientInfo client, MqttDisconnectReason reason)
    {
        lock (Disconnects)
        {
            Disconnects.Add((client.ClientId, reason));
        }

        return ValueTask.CompletedTask;
    }
}
