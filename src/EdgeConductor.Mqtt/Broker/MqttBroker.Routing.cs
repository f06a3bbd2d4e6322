using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Topics;

namespace EdgeConductor.Mqtt.Broker;

public sealed partial class MqttBroker
{
    private static readonly Func<MqttSubscription, bool> PreferOnline = static s => s.Session.IsOnline;

    [ThreadStatic]
    private static List<MqttSubscription>? t_matches;

    [ThreadStatic]
    private static List<MqttSubscription>? t_shared;

    [ThreadStatic]
    private static Dictionary<MqttSession, (MqttQualityOfService QoS, bool Retain, uint[]? Ids)>? t_merge;

    /// <summary>Routes a message to every matching session (one copy per session; one member per shared group).</summary>
    internal ValueTask RouteAsync(MqttApplicationMessage message, MqttSession? publisher)
    {
        List<Task>? waits = null;
        if (message.Retain && Options.RetainAvailable)
        {
            if (!_retained.Set(message, Options.MaxRetainedMessages))
            {
                Metrics.MessageDropped("retained_limit");
            }
            else
            {
                PersistRetained(message, ref waits);
            }
        }

        var matches = t_matches ??= [];
        var shared = t_shared ??= [];
        try
        {
            _index.Match(message.Topic, matches, shared, PreferOnline);
            if (matches.Count == 1)
            {
                var s = matches[0];
                if (!(s.Options.NoLocal && s.Session == publisher))
                {
                    Enqueue(s.Session, Delivery(message, s), ref waits);
                }
            }
            else if (matches.Count > 1)
            {
                RouteToMany(message, publisher, matches, ref waits);
            }

            foreach (var s in shared)
            {
                Enqueue(s.Session, Delivery(message, s), ref waits);
            }
        }
        finally
        {
            matches.Clear();
            shared.Clear();
        }

        return waits is null ? default : new ValueTask(Task.WhenAll(waits));
    }

    private static QueuedMessage Delivery(MqttApplicationMessage message, MqttSubscription s) =>
        new(message, message.QoS < s.QoS ? message.QoS : s.QoS, s.Options.RetainAsPublished && message.Retain, s.SubscriptionIds);

    /// <summary>Overlapping subscriptions of one session: a single copy at the highest QoS with all subscription ids.</summary>
    private void RouteToMany(MqttApplicationMessage message, MqttSession? publisher, List<MqttSubscription> matches, ref List<Task>? waits)
    {
        var merge = t_merge ??= [];
        try
        {
            foreach (var s in matches)
            {
                if (s.Options.NoLocal && s.Session == publisher)
                {
                    continue;
                }

                var qos = message.QoS < s.QoS ? message.QoS : s.QoS;
                var retain = s.Options.RetainAsPublished && message.Retain;
                if (merge.TryGetValue(s.Session, out var existing))
                {
                    var ids = existing.Ids;
                    if (s.SubscriptionIds is not null)
                    {
                        ids = ids is null ? s.SubscriptionIds : [.. ids, .. s.SubscriptionIds];
                    }

                    merge[s.Session] = (existing.QoS > qos ? existing.QoS : qos, existing.Retain || retain, ids);
                }
                else
                {
                    merge[s.Session] = (qos, retain, s.SubscriptionIds);
                }
            }

            foreach (var (session, d) in merge)
            {
                Enqueue(session, new QueuedMessage(message, d.QoS, d.Retain, d.Ids), ref waits);
            }
        }
        finally
        {
            merge.Clear();
        }
    }

    /// <summary>
    /// Bounded enqueue. Full queue: QoS 0 is dropped (counted); QoS 1/2 for a connected subscriber makes the publisher
    /// wait up to <see cref="MqttBrokerOptions.QueueFullWaitTimeout"/>, then is dropped (counted); offline sessions drop.
    /// </summary>
    private void Enqueue(MqttSession session, QueuedMessage item, ref List<Task>? waits)
    {
        var connection = session.Connection;
        if (connection is not null && DeniedAtRouting(connection, item.Message))
        {
            Metrics.MessageDropped("not_authorized");
            return;
        }

        if (connection is null && item.QoS == MqttQualityOfService.AtMostOnce && !Options.QueueQoS0ForOfflineSessions)
        {
            return;
        }

        item = PersistQueued(session, item, ref waits);
        if (connection is not null && session.HasOverflow)
        {
            // Messages already wait in the byte-budgeted overflow: this one queues behind them (order per publisher).
            if (session.TryOverflow(item, Options.MaxQueuedBytes))
            {
                connection.Signal();
            }
            else
            {
                PersistDropped(item);
                DropForClient(session, "byte_budget");
            }

            return;
        }

        if (session.QueueWriter.TryWrite(item))
        {
            connection?.Signal();
            return;
        }

        if (connection is not null && item.QoS == MqttQualityOfService.AtMostOnce && Options.MaxQueuedBytes > 0)
        {
            // The subscriber is connected but its transport is behind: absorb the burst within the byte budget.
            if (session.TryOverflow(item, Options.MaxQueuedBytes))
            {
                connection.Signal();
            }
            else
            {
                DropForClient(session, "byte_budget");
            }

            return;
        }

        if (item.QoS == MqttQualityOfService.AtMostOnce || connection is null || Options.QueueFullWaitTimeout <= TimeSpan.Zero)
        {
            PersistDropped(item);
            if (connection is not null)
            {
                DropForClient(session, item.QoS == MqttQualityOfService.AtMostOnce ? "queue_full_qos0" : "queue_full");
                return;
            }

            DropForClient(session, item.QoS == MqttQualityOfService.AtMostOnce ? "queue_full_qos0" : "queue_full"); // an offline session's full queue
            return;
        }

        (waits ??= []).Add(WaitForRoomAsync(session, item));
    }

    /// <summary>A message dropped for a connected subscriber: counted by reason and per client (<c>mqtt.client.messages.dropped</c>).</summary>
    private void DropForClient(MqttSession session, string reason)
    {
        session.CountDrop();
        Metrics.MessageDropped(reason);
        Metrics.ClientMessageDropped(session.ClientId, reason);
    }

    /// <summary>
    /// The filter under which a session's subscription is indexed. Shared subscription groups are scoped to the session
    /// owner (the credential, <see cref="MqttAuthenticationResult"/>): <c>$share/g/#</c> of two credentials are two groups,
    /// so one tenant's member can never be picked for (and then refused) another tenant's messages. MQTT 5.0 §4.8.2 leaves
    /// the scope of a share name to the server. The owner is joined with U+0000, which no client filter may contain
    /// (MQTT-1.5.4-2), so scoped names cannot collide with client-chosen ones; the default owner ("") keeps plain names.
    /// </summary>
    internal static string IndexFilter(MqttSession session, string filter) =>
        session.Owner.Length == 0 || !MqttTopic.IsShared(filter)
            ? filter
            : string.Concat(MqttTopic.SharePrefix, session.Owner.Replace('/', '\u0001'), "\u0000", filter.AsSpan(MqttTopic.SharePrefix.Length));

    /// <summary>
    /// Routing-time pre-filter for a connected subscriber: a message the host's delivery check already refuses
    /// synchronously (a cached decision) is never queued, so a wildcard subscriber's queue holds only what it may read
    /// and another tenant's publisher never waits for room in it. Not authoritative: whatever is queued is checked again
    /// when it is sent (<see cref="IMqttBrokerHooks.AuthorizeDeliveryAsync"/>), which also covers offline sessions.
    /// </summary>
    private bool DeniedAtRouting(MqttServerConnection connection, MqttApplicationMessage message)
    {
        if (connection.Client is not { } client)
        {
            return false;
        }

        ValueTask<bool> check;
        try
        {
            check = Options.Hooks.AuthorizeDeliveryAsync(client, message, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return false; // the output loop asks again, reports and drops
        }

        if (check.IsCompletedSuccessfully)
        {
            return !check.Result;
        }

        // Not cached yet: queue it and let the output loop await the decision; observe this call's outcome.
        _ = check.AsTask().ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        return false;
    }

    private async Task WaitForRoomAsync(MqttSession session, QueuedMessage item)
    {
        using var timeout = new CancellationTokenSource(Options.QueueFullWaitTimeout, TimeProvider);
        try
        {
            await session.QueueWriter.WriteAsync(item, timeout.Token).ConfigureAwait(false);
            session.Connection?.Signal();
        }
        catch (OperationCanceledException)
        {
            PersistDropped(item);
            session.CountDrop();
            Metrics.MessageDropped("queue_full");
        }
    }

    internal bool AddSubscription(MqttSession session, MqttTopicSubscription subscription, uint subscriptionId)
    {
        var record = new MqttSubscription(session, subscription, subscriptionId);
        lock (_sessionsLock)
        {
            var isNew = !session.Subscriptions.ContainsKey(subscription.Filter);
            session.Subscriptions[subscription.Filter] = record;
            _index.Add(IndexFilter(session, subscription.Filter), session, record);
            PersistSubscription(session, record);
            return isNew;
        }
    }

    internal bool RemoveSubscription(MqttSession session, string filter)
    {
        lock (_sessionsLock)
        {
            if (!session.HasSubscriptions || !session.Subscriptions.Remove(filter))
            {
                return false;
            }

            _index.Remove(IndexFilter(session, filter), session);
            PersistUnsubscription(session, filter);
            return true;
        }
    }

    /// <summary>
    /// Queues retained messages for a new subscription per its retain-handling option (never for shared subscriptions).
    /// Runs on the subscriber's own read loop: when its queue is full it waits for room (self back-pressure), and after
    /// one wait times out the remaining retained messages are dropped and counted.
    /// </summary>
    internal async ValueTask DeliverRetainedAsync(MqttSession session, MqttTopicSubscription subscription, bool isNew, uint subscriptionId)
    {
        if (MqttTopic.IsShared(subscription.Filter) ||
            subscription.RetainHandling == MqttRetainHandling.DoNotSend ||
            (subscription.RetainHandling == MqttRetainHandling.SendAtSubscribeIfNew && !isNew))
        {
            return;
        }

        var retained = new List<MqttApplicationMessage>();
        _retained.Collect(subscription.Filter, NowTicks, retained);
        uint[]? ids = subscriptionId == 0 ? null : [subscriptionId];
        var gaveUp = Options.QueueFullWaitTimeout <= TimeSpan.Zero;
        foreach (var message in retained)
        {
            if (subscription.NoLocal && message.SenderClientId == session.ClientId)
            {
                continue;
            }

            var qos = message.QoS < subscription.QoS ? message.QoS : subscription.QoS;
            var item = new QueuedMessage(message, qos, true, ids);
            if (session.QueueWriter.TryWrite(item))
            {
                session.Connection?.Signal();
                continue;
            }

            if (!gaveUp)
            {
                session.Connection?.Signal();
                using var timeout = new CancellationTokenSource(Options.QueueFullWaitTimeout, TimeProvider);
                try
                {
                    await session.QueueWriter.WriteAsync(item, timeout.Token).ConfigureAwait(false);
                    session.Connection?.Signal();
                    continue;
                }
                catch (OperationCanceledException)
                {
                    gaveUp = true;
                }
            }

            session.CountDrop();
            Metrics.MessageDropped("queue_full_retained");
        }
    }
}
