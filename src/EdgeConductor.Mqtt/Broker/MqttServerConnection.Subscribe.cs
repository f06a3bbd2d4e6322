using System.Text;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Topics;

namespace EdgeConductor.Mqtt.Broker;

internal sealed partial class MqttServerConnection
{
    private async ValueTask HandleSubscribeAsync(SubscribePacket packet)
    {
        var subscriptionId = packet.Properties?.SubscriptionIdentifiers is [var id, ..] ? id : 0;
        var codes = new List<MqttReasonCode>(packet.Subscriptions.Count);
        var granted = new List<(MqttTopicSubscription Subscription, bool IsNew)>(packet.Subscriptions.Count);
        foreach (var requested in packet.Subscriptions)
        {
            if (Encoding.UTF8.GetByteCount(requested.Filter) > Options.MaxTopicFilterLength)
            {
                // A memory cap, checked before the host sees the filter: 0x8F Topic filter invalid (v5) / 0x80 Failure (3.1.1).
                codes.Add(IsV5 ? MqttReasonCode.TopicFilterInvalid : MqttReasonCode.UnspecifiedError);
                continue;
            }

            MqttSubscribeAuthorization authorization;
            try
            {
                authorization = await Options.Hooks.AuthorizeSubscribeAsync(_client!, requested, _cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ReportError(ex, "AuthorizeSubscribeAsync");
                authorization = MqttSubscribeAuthorization.Deny(MqttReasonCode.UnspecifiedError);
            }

            if (!authorization.Granted)
            {
                codes.Add(IsV5 ? authorization.ReasonCode : MqttReasonCode.UnspecifiedError);
                continue;
            }

            if (!_session!.Subscriptions.ContainsKey(requested.Filter) && _session.Subscriptions.Count >= Options.MaxSubscriptionsPerClient)
            {
                codes.Add(IsV5 ? MqttReasonCode.QuotaExceeded : MqttReasonCode.UnspecifiedError);
                continue;
            }

            var qos = (MqttQualityOfService)Math.Min(Math.Min((int)authorization.GrantedQoS, (int)requested.QoS), (int)Options.MaximumQoS);
            var effective = requested with { QoS = qos };
            var isNew = _broker.AddSubscription(_session!, effective, subscriptionId);
            granted.Add((effective, isNew));
            codes.Add((MqttReasonCode)(byte)qos);
        }

        await _broker.FlushStateAsync().ConfigureAwait(false); // granted subscriptions are stored before SUBACK (no-op without a state store)
        Send(new SubAckPacket { PacketId = packet.PacketId, ReasonCodes = codes });
        foreach (var (subscription, isNew) in granted)
        {
            await _broker.DeliverRetainedAsync(_session!, subscription, isNew, subscriptionId).ConfigureAwait(false);
        }

        foreach (var (subscription, _) in granted)
        {
            try
            {
                await Options.Hooks.OnSubscribedAsync(_client!, subscription, _cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ReportError(ex, "OnSubscribedAsync");
            }
        }
    }

    /// <summary>
    /// A resumed session's stored subscriptions are authorized again through <see cref="IMqttBrokerHooks.AuthorizeSubscribeAsync"/>
    /// (the client's rights may have changed while it was away): a filter no longer granted is removed, and queued or
    /// unacknowledged messages that no remaining filter matches are dropped, all before CONNACK and before any delivery.
    /// </summary>
    private async Task ReauthorizeStoredSubscriptionsAsync()
    {
        var session = _session!;
        List<string>? withdrawn = null;
        foreach (var stored in _broker.SnapshotSubscriptions(session))
        {
            MqttSubscribeAuthorization authorization;
            try
            {
                authorization = await Options.Hooks.AuthorizeSubscribeAsync(_client!, stored.Options, _cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ReportError(ex, "AuthorizeSubscribeAsync");
                authorization = MqttSubscribeAuthorization.Deny(MqttReasonCode.UnspecifiedError);
            }

            if (!authorization.Granted)
            {
                (withdrawn ??= []).Add(stored.Filter);
            }
        }

        if (withdrawn is null)
        {
            return;
        }

        foreach (var filter in withdrawn)
        {
            _broker.RemoveSubscription(session, filter);
        }

        var remaining = _broker.SnapshotSubscriptions(session).Select(static s => MqttTopic.TryParseShared(s.Filter, out _, out var inner) ? inner : s.Filter).ToArray();
        var dropped = session.Prune(topic => Array.Exists(remaining, f => MqttTopic.Matches(f, topic)));
        for (var i = 0; i < dropped; i++)
        {
            _broker.Metrics.MessageDropped("subscription_withdrawn");
        }
    }

    private async ValueTask HandleUnsubscribeAsync(UnsubscribePacket packet)
    {
        var codes = new List<MqttReasonCode>(packet.Filters.Count);
        var removed = new List<string>(packet.Filters.Count);
        foreach (var filter in packet.Filters)
        {
            var existed = _broker.RemoveSubscription(_session!, filter);
            codes.Add(existed ? MqttReasonCode.Success : MqttReasonCode.NoSubscriptionExisted);
            if (existed)
            {
                removed.Add(filter);
            }
        }

        // The host learns first: a client that has its UNSUBACK must never find the host still counting the filter
        // (the device gateway would report a command delivered to a device that no longer listens).
        foreach (var filter in removed)
        {
            try
            {
                await Options.Hooks.OnUnsubscribedAsync(_client!, filter, _cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ReportError(ex, "OnUnsubscribedAsync");
            }
        }

        await _broker.FlushStateAsync().ConfigureAwait(false); // removals stored before UNSUBACK (no-op without a state store)
        Send(new UnsubAckPacket { PacketId = packet.PacketId, ReasonCodes = codes });
    }
}
