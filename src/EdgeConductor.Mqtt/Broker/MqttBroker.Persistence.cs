using EdgeConductor.Mqtt.Broker.Persistence;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>
/// Broker state that survives restarts (<see cref="MqttBrokerOptions.StateStore"/>): retained messages and subscriptions are
/// written through, QoS 1/2 messages queued for a persistent session are appended in group-committed batches before the
/// publisher is acknowledged, and deleted when the subscriber acknowledges them. Without a store nothing here runs.
/// </summary>
public sealed partial class MqttBroker
{
    private BrokerStateWriter? _stateWriter;
    private long _persistSequence;
    private bool _loadingState;

    /// <summary>Batched state writes applied so far (diagnostics, tests); 0 without a store.</summary>
    public long StateChangesApplied => _stateWriter?.Applied ?? 0;

    private BrokerStateWriter? StateWriter =>
        _stateWriter ?? (Options.StateStore is { } store
            ? LazyInitializer.EnsureInitialized(ref _stateWriter, () => new BrokerStateWriter(store, ReportError))
            : null);

    /// <summary>
    /// Loads the stored state (retained messages, persistent sessions with their subscriptions, queued and in-flight
    /// messages) into the broker. Call once, before the first connection. Expired sessions and messages are not restored
    /// (expiry times are absolute, so they keep counting while the server is down) and are deleted from the store; a session
    /// that was online when the server stopped starts its expiry interval at the restart. Returns the number of sessions restored.
    /// </summary>
    public async Task<int> LoadStateAsync(CancellationToken cancellationToken = default)
    {
        if (Options.StateStore is not { } store)
        {
            return 0;
        }

        var snapshot = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
        var writer = StateWriter!;
        var now = NowTicks;
        var restored = new Dictionary<MqttSessionKey, MqttSession>();
        lock (_sessionsLock)
        {
            _loadingState = true;
            try
            {
                foreach (var stored in snapshot.Retained)
                {
                    var expires = BrokerStateCodec.ToTicks(stored.ExpiresAtUnixMs);
                    if (expires != 0 && expires <= now)
                    {
                        _ = writer.Add(new BrokerStateChange.RetainedDeleted(stored.Topic));
                        continue;
                    }

                    _retained.Set(BrokerStateCodec.Decode(stored.Message, stored.SenderClientId, expires), int.MaxValue);
                }

                foreach (var stored in snapshot.Sessions)
                {
                    var expires = stored.ExpiresAtUnixMs is null && stored.ExpiryInterval != uint.MaxValue
                        ? now + (stored.ExpiryInterval * TimeSpan.TicksPerSecond)
                        : BrokerStateCodec.ToTicks(stored.ExpiresAtUnixMs);
                    if ((expires != 0 && expires <= now) || stored.ExpiryInterval == 0 || _sessions.ContainsKey(stored.Key))
                    {
                        _ = writer.Add(new BrokerStateChange.SessionDeleted(stored.Key));
                        continue;
                    }

                    var session = NewSession(stored.Key);
                    session.ExpiryInterval = stored.ExpiryInterval;
                    session.ExpiresAtTicks = expires;
                    session.DetachedAtTicks = now;
                    session.Stored = true;
                    AddSessionLocked(session);
                    restored[stored.Key] = session;
                    if (stored.ExpiresAtUnixMs is null)
                    {
                        _ = writer.Add(new BrokerStateChange.SessionSaved(stored with { ExpiresAtUnixMs = BrokerStateCodec.ToUnixMs(expires) }));
                    }
                }

                foreach (var stored in snapshot.Subscriptions)
                {
                    if (restored.TryGetValue(stored.Key, out var session))
                    {
                        var record = new MqttSubscription(session, BrokerStateCodec.DecodeOptions(stored.Filter, stored.Options), stored.SubscriptionId);
                        session.Subscriptions[stored.Filter] = record;
                        _index.Add(IndexFilter(session, stored.Filter), session, record);
                    }
                }

                foreach (var stored in snapshot.Queued.OrderBy(static q => q.Id))
                {
                    _persistSequence = Math.Max(_persistSequence, stored.Id);
                    var expires = BrokerStateCodec.ToTicks(stored.ExpiresAtUnixMs);
                    if (!restored.TryGetValue(stored.Key, out var session) || (expires != 0 && expires <= now && !stored.Released))
                    {
                        _ = writer.Add(new BrokerStateChange.MessageDone(stored.Id));
                        continue;
                    }

                    var message = BrokerStateCodec.Decode(stored.Message, stored.SenderClientId, expires);
                    var qos = (MqttQualityOfService)stored.QoS;
                    if (stored.PacketId != 0)
                    {
                        var packet = new PublishPacket { Topic = message.Topic, Payload = message.Payload, QoS = qos, Retain = stored.Retain, PacketId = stored.PacketId };
                        if (message.Properties is not null || stored.SubscriptionIds is not null)
                        {
                            var properties = message.Properties?.Clone() ?? new MqttProperties();
                            properties.SubscriptionIdentifiers = stored.SubscriptionIds is null ? null : [.. stored.SubscriptionIds];
                            packet.Properties = properties;
                        }

                        lock (session.SyncRoot)
                        {
                            session.RestoreInflight(packet, stored.Id, stored.Released);
                        }

                        continue;
                    }

                    var item = new QueuedMessage(message, qos, stored.Retain, stored.SubscriptionIds) { PersistId = stored.Id };
                    if (!session.QueueWriter.TryWrite(item))
                    {
                        session.CountDrop();
                        Metrics.MessageDropped("queue_full");
                        _ = writer.Add(new BrokerStateChange.MessageDone(stored.Id));
                    }
                }
            }
            finally
            {
                _loadingState = false;
            }
        }

        await writer.FlushAsync().ConfigureAwait(false);
        return restored.Count;
    }

    /// <summary>
    /// For a graceful stop, after the connections closed (<see cref="DisconnectAllAsync"/>): records which stored messages
    /// are in flight under which packet id (so they are resent as duplicates with the same id after the restart), then
    /// waits until every change is durable. Does nothing without a store.
    /// </summary>
    public async Task SaveStateAsync(CancellationToken cancellationToken = default)
    {
        if (StateWriter is not { } writer)
        {
            return;
        }

        List<MqttSession> sessions;
        lock (_sessionsLock)
        {
            sessions = [.. _sessions.Values];
        }

        foreach (var session in sessions)
        {
            if (session.ExpiryInterval == 0)
            {
                continue;
            }

            foreach (var (id, packetId, released) in session.SnapshotPersistedInflight())
            {
                _ = writer.Add(new BrokerStateChange.MessageInflight(id, packetId, released));
            }
        }

        await writer.FlushAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes when every state change made so far is durable (completed at once without a store).</summary>
    internal Task FlushStateAsync() => _stateWriter?.FlushAsync() ?? Task.CompletedTask;

    private async ValueTask DisposeStateWriterAsync()
    {
        if (_stateWriter is { } writer)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private MqttSession NewSession(MqttSessionKey key)
    {
        var session = new MqttSession(key, Options.MaxQueuedMessages);
        if (StateWriter is { } writer)
        {
            session.OnPersistedDone = id => writer.Add(new BrokerStateChange.MessageDone(id));
        }

        return session;
    }

    /// <summary>A session was attached (created or resumed): persistent ones are saved with no end time while connected.</summary>
    private void PersistAttached(MqttSession session, bool present)
    {
        if (StateWriter is not { } writer)
        {
            return;
        }

        session.OnPersistedDone ??= id => writer.Add(new BrokerStateChange.MessageDone(id));
        if (session.ExpiryInterval != 0)
        {
            session.Stored = true;
            _ = writer.Add(new BrokerStateChange.SessionSaved(new StoredSession(session.Key, session.ExpiryInterval, null)));
        }
        else if (present && session.Stored)
        {
            session.Stored = false;
            _ = writer.Add(new BrokerStateChange.SessionDeleted(session.Key));
        }
    }

    /// <summary>A persistent session went offline: its absolute expiry is stored.</summary>
    private void PersistDetached(MqttSession session)
    {
        if (session.Stored && session.ExpiryInterval != 0 && StateWriter is { } writer)
        {
            _ = writer.Add(new BrokerStateChange.SessionSaved(new StoredSession(session.Key, session.ExpiryInterval, BrokerStateCodec.ToUnixMs(session.ExpiresAtTicks))));
        }
    }

    /// <summary>A session ended (clean start, expiry, eviction, a non-persistent disconnect): its rows go.</summary>
    private void PersistDiscarded(MqttSession session)
    {
        if (!_loadingState && session.Stored && StateWriter is { } writer)
        {
            session.Stored = false;
            _ = writer.Add(new BrokerStateChange.SessionDeleted(session.Key));
        }
    }

    private void PersistSubscription(MqttSession session, MqttSubscription record)
    {
        if (!_loadingState && session.Stored && session.ExpiryInterval != 0 && StateWriter is { } writer)
        {
            _ = writer.Add(new BrokerStateChange.SubscriptionSaved(new StoredSubscription(
                session.Key, record.Filter, BrokerStateCodec.EncodeOptions(record.Options), record.SubscriptionIds is [var id] ? id : 0)));
        }
    }

    private void PersistUnsubscription(MqttSession session, string filter)
    {
        if (session.Stored && StateWriter is { } writer)
        {
            _ = writer.Add(new BrokerStateChange.SubscriptionDeleted(session.Key, filter));
        }
    }

    /// <summary>
    /// A retained message was stored or (empty payload) deleted; a QoS 1/2 publisher waits for the write. The broker's own
    /// <c>$SYS/</c> statistics are not stored: they are regenerated every interval and at start (storing them cost a write
    /// per topic per interval, and a test clock moved by days replays every interval).
    /// </summary>
    private void PersistRetained(MqttApplicationMessage message, ref List<Task>? waits)
    {
        if (StateWriter is not { } writer || message.Topic.StartsWith(SysPrefix, StringComparison.Ordinal))
        {
            return;
        }

        var done = message.Payload.IsEmpty
            ? writer.Add(new BrokerStateChange.RetainedDeleted(message.Topic))
            : writer.Add(new BrokerStateChange.RetainedSet(new StoredRetainedMessage(
                message.Topic, BrokerStateCodec.Encode(message), message.SenderClientId, BrokerStateCodec.ToUnixMs(message.ExpiresAtTicks))));
        if (message.QoS != MqttQualityOfService.AtMostOnce)
        {
            AddWait(ref waits, done);
        }
    }

    /// <summary>
    /// A QoS 1/2 delivery to a persistent session is appended to the store, and the publisher's acknowledgement waits for
    /// that batch. Returns the item carrying its row id (unchanged when nothing is stored).
    /// </summary>
    private QueuedMessage PersistQueued(MqttSession session, QueuedMessage item, ref List<Task>? waits)
    {
        if (item.QoS == MqttQualityOfService.AtMostOnce || !session.Stored || session.ExpiryInterval == 0 || session.Discarded || StateWriter is not { } writer)
        {
            return item;
        }

        var id = Interlocked.Increment(ref _persistSequence);
        var message = item.Message;
        AddWait(ref waits, writer.Add(new BrokerStateChange.MessageQueued(new StoredQueuedMessage(
            id, session.Key, BrokerStateCodec.Encode(message), message.SenderClientId, (byte)item.QoS, item.Retain, item.SubscriptionIds,
            BrokerStateCodec.ToUnixMs(message.ExpiresAtTicks)))));
        return item with { PersistId = id };
    }

    /// <summary>A stored queued message was dropped before delivery.</summary>
    private void PersistDropped(QueuedMessage item)
    {
        if (item.PersistId != 0)
        {
            _ = _stateWriter?.Add(new BrokerStateChange.MessageDone(item.PersistId));
        }
    }

    private static void AddWait(ref List<Task>? waits, Task done)
    {
        if (done.IsCompletedSuccessfully)
        {
            return;
        }

        waits ??= [];
        if (waits.Count == 0 || !ReferenceEquals(waits[^1], done))
        {
            waits.Add(done);
        }
    }
}
