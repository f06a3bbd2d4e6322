namespace EdgeConductor.Mqtt.Broker.Persistence;

/// <summary>What <see cref="IBrokerStateStore.LoadAsync"/> returns: the stored state, in any order (queued messages are re-ordered by <see cref="StoredQueuedMessage.Id"/>).</summary>
public sealed record BrokerStateSnapshot(
    IReadOnlyList<StoredRetainedMessage> Retained,
    IReadOnlyList<StoredSession> Sessions,
    IReadOnlyList<StoredSubscription> Subscriptions,
    IReadOnlyList<StoredQueuedMessage> Queued)
{
    /// <summary>Nothing stored (a new database).</summary>
    public static BrokerStateSnapshot Empty { get; } = new([], [], [], []);
}

/// <summary>
/// A retained message. <paramref name="Message"/> is opaque to the store: the message (topic, payload, QoS, retain flag,
/// MQTT 5 properties) encoded by the broker; <paramref name="ExpiresAtUnixMs"/> is the absolute end of its message expiry
/// interval (MQTT 5.0 §3.3.2.3.3), null for never, so expiry keeps counting across restarts.
/// </summary>
public sealed record StoredRetainedMessage(string Topic, byte[] Message, string? SenderClientId, long? ExpiresAtUnixMs);

/// <summary>
/// A persistent session (session expiry interval &gt; 0). <paramref name="ExpiryInterval"/> in seconds (uint.MaxValue =
/// never); <paramref name="ExpiresAtUnixMs"/> is when an offline session ends, null while a client is connected (then
/// the interval starts counting again from the restart) or when it never expires.
/// </summary>
public sealed record StoredSession(MqttSessionKey Key, uint ExpiryInterval, long? ExpiresAtUnixMs);

/// <summary>
/// One subscription of a persistent session. <paramref name="Options"/> is the MQTT 5 subscription options byte
/// (§3.8.3.1: bits 0-1 QoS, 2 No Local, 3 Retain As Published, 4-5 Retain Handling); <paramref name="SubscriptionId"/> 0 = none.
/// </summary>
public sealed record StoredSubscription(MqttSessionKey Key, string Filter, byte Options, uint SubscriptionId);

/// <summary>
/// A QoS 1/2 message accepted for a persistent session and not yet acknowledged by its subscriber.
/// <paramref name="Id"/> is assigned by the broker (increasing, unique in the store); <paramref name="QoS"/> and
/// <paramref name="Retain"/> are the delivery's (after the subscription's maximum QoS and Retain As Published);
/// <paramref name="SubscriptionIds"/> may be null. <paramref name="PacketId"/> is non-zero when the message was in flight
/// at a graceful shutdown (<paramref name="Released"/>: QoS 2 PUBREL already sent), so it is resent with the same packet id.
/// </summary>
public sealed record StoredQueuedMessage(
    long Id,
    MqttSessionKey Key,
    byte[] Message,
    string? SenderClientId,
    byte QoS,
    bool Retain,
    uint[]? SubscriptionIds,
    long? ExpiresAtUnixMs,
    ushort PacketId = 0,
    bool Released = false);

/// <summary>One change to the stored broker state; <see cref="IBrokerStateStore.ApplyAsync"/> receives them in order.</summary>
public abstract record BrokerStateChange
{
    private protected BrokerStateChange()
    {
    }

    /// <summary>Store or replace the retained message of its topic.</summary>
    public sealed record RetainedSet(StoredRetainedMessage Message) : BrokerStateChange;

    /// <summary>Delete the retained message of <paramref name="Topic"/> (a zero-length retained publish, or cleared by the host).</summary>
    public sealed record RetainedDeleted(string Topic) : BrokerStateChange;

    /// <summary>Insert or update a session row (created, resumed, detached).</summary>
    public sealed record SessionSaved(StoredSession Session) : BrokerStateChange;

    /// <summary>Delete a session with its subscriptions and queued messages (clean start, expiry, eviction, non-persistent disconnect).</summary>
    public sealed record SessionDeleted(MqttSessionKey Key) : BrokerStateChange;

    /// <summary>Insert or replace one subscription of a session.</summary>
    public sealed record SubscriptionSaved(StoredSubscription Subscription) : BrokerStateChange;

    /// <summary>Delete one subscription of a session.</summary>
    public sealed record SubscriptionDeleted(MqttSessionKey Key, string Filter) : BrokerStateChange;

    /// <summary>Append a queued message.</summary>
    public sealed record MessageQueued(StoredQueuedMessage Message) : BrokerStateChange;

    /// <summary>A queued message is done (acknowledged by the subscriber, dropped or withdrawn): delete it.</summary>
    public sealed record MessageDone(long Id) : BrokerStateChange;

    /// <summary>At a graceful shutdown: the message is in flight with <paramref name="PacketId"/> (QoS 2 <paramref name="Released"/>: PUBREL sent).</summary>
    public sealed record MessageInflight(long Id, ushort PacketId, bool Released) : BrokerStateChange;
}
