using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>Broker settings: hooks, clock, limits. Limits that protect memory (queues, subscriptions, sessions per owner) are never unbounded by accident.</summary>
public sealed partial class MqttBrokerOptions
{
    public IMqttBrokerHooks Hooks { get; set; } = MqttBrokerHooks.AllowAll;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Largest inbound packet accepted (fixed header included). Announced in v5 CONNACK.</summary>
    public int MaximumPacketSize { get; set; } = 1024 * 1024;

    /// <summary>Inbound QoS 1/2 publishes a client may have unacknowledged (v5 Receive Maximum; also the v3 pending-ack bound).</summary>
    public ushort ReceiveMaximum { get; set; } = 1024;

    /// <summary>Cap on outbound unacknowledged QoS 1/2 messages per client (v3 window; v5 uses min(client Receive Maximum, this)).</summary>
    public ushort MaxInflightMessages { get; set; } = 1000;

    /// <summary>Per-session bound of queued (not yet in flight) messages. Never unbounded.</summary>
    public int MaxQueuedMessages { get; set; } = 1000;

    /// <summary>
    /// Byte budget of a connected subscriber beyond its full queue (<see cref="MaxQueuedMessages"/>): QoS 0 messages for a
    /// subscriber whose transport is momentarily behind wait in an overflow, in order, up to this many bytes (topic × 2 +
    /// payload + 64 per message), instead of being dropped; only beyond it are they dropped, counted per client
    /// (<c>mqtt.client.messages.dropped</c>, reason <c>byte_budget</c>). The overflow is allocated on first use and released
    /// when drained (idle connections pay nothing). Zero turns it off (a full queue drops QoS 0 at once). Default 32 MiB,
    /// the same as the EdgeConductor server's EC_MQTT_MAX_QUEUED_BYTES, so that a broker built on the library with default
    /// options does not silently drop a burst a reading subscriber can absorb either.
    /// </summary>
    public long MaxQueuedBytes { get; set; } = DefaultMaxQueuedBytes;

    /// <summary>
    /// How many client ids get their own series on the per-client drop counter (<c>mqtt.client.messages.dropped</c>,
    /// <c>client_id</c> label): the first clients to drop since start; later ones are counted as <c>client_id="_other"</c>,
    /// so a tenant making up client ids cannot grow the metrics without bound. Default 1000.
    /// </summary>
    public int MaxDropCounterClients { get; set; } = 1000;

    /// <summary>The default <see cref="MaxQueuedBytes"/>: 32 MiB.</summary>
    public const long DefaultMaxQueuedBytes = 32L * 1024 * 1024;

    /// <summary>
    /// When a connected subscriber's queue is full, a QoS 1/2 publisher waits up to this long for room (back-pressure on
    /// the publishing connection only) before the message is dropped for that subscriber. Zero drops immediately.
    /// QoS 0 messages are always dropped when the queue is full.
    /// </summary>
    public TimeSpan QueueFullWaitTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether QoS 0 messages are queued for disconnected persistent sessions.</summary>
    public bool QueueQoS0ForOfflineSessions { get; set; }

    /// <summary>Inbound topic aliases (client → server) a client may use; announced in v5 CONNACK Topic Alias Maximum.</summary>
    public ushort TopicAliasMaximum { get; set; } = 64;

    /// <summary>
    /// Most outbound topic aliases (server → client) per connection: the broker uses min(the client's CONNECT Topic Alias
    /// Maximum, this) and assigns them to the most recently used topics (<see cref="OutboundTopicAliases"/>). A client that
    /// announces 0 (or nothing, or v3.1.1) never gets an alias. Zero turns outbound aliases off. Default 32.
    /// </summary>
    public ushort OutboundTopicAliasMaximum { get; set; } = 32;

    /// <summary>Upper bound of distinct retained topics; retained publishes to new topics beyond it are routed but not stored (counted as dropped, reason <c>retained_limit</c>).</summary>
    public int MaxRetainedMessages { get; set; } = 1_000_000;

    /// <summary>Per-session subscription limit (distinct filters); SUBACK 0x97 Quota exceeded (v5) / 0x80 Failure (v3.1.1) beyond it. Default 10,000.</summary>
    public int MaxSubscriptionsPerClient { get; set; } = 10_000;

    /// <summary>
    /// Sessions (online or persistent offline) one owner (<see cref="MqttAuthenticationResult.Owner"/>) may hold at once.
    /// A new session beyond it first evicts that owner's longest-offline session (discarded like an expired one, its
    /// pending will published); when every one of them is online the CONNECT is refused with CONNACK 0x97 Quota exceeded
    /// (v5) / return code 3 Server unavailable (3.1.1). Resuming or taking over an existing session never counts as new.
    /// Default: unlimited (the EdgeConductor server sets EC_MQTT_MAX_SESSIONS_PER_CREDENTIAL).
    /// </summary>
    public int MaxSessionsPerOwner { get; set; } = int.MaxValue;

    /// <summary>
    /// Longest topic filter accepted in SUBSCRIBE, in UTF-8 bytes (a <c>$share/{group}/</c> prefix included). Longer
    /// filters get SUBACK 0x8F Topic filter invalid (v5) / 0x80 Failure (v3.1.1) and are never stored. Default 1024.
    /// </summary>
    public int MaxTopicFilterLength { get; set; } = 1024;

    public MqttQualityOfService MaximumQoS { get; set; } = MqttQualityOfService.ExactlyOnce;

    public bool RetainAvailable { get; set; } = true;

    /// <summary>Upper bound for v5 session expiry intervals (seconds); a larger request (0xFFFFFFFF "never" included) is lowered to it and the value is sent back in CONNACK (MQTT 5.0 §3.2.2.3.2).</summary>
    public uint MaximumSessionExpiryInterval { get; set; } = uint.MaxValue;

    /// <summary>Expiry applied to v3.1.1 persistent sessions (clean session = 0), counted from the disconnect. Null = never.</summary>
    public TimeSpan? PersistentSessionExpiryV311 { get; set; }

    /// <summary>If set, overrides the client keep-alive (v5 Server Keep Alive; enforced for v3.1.1 too).</summary>
    public ushort? ServerKeepAlive { get; set; }

    /// <summary>
    /// Largest keep-alive (seconds) the broker accepts; null = no cap. A client asking for more, or for 0 (no keep-alive),
    /// gets this value: a v5 client is told in CONNACK Server Keep Alive (MQTT 5.0 §3.2.2.3.14, MQTT-3.2.2-21); a v3.1.1
    /// client cannot be told, and the broker simply enforces it (the connection closes after 1.5 × this value of silence,
    /// MQTT-3.1.2-24). <see cref="ServerKeepAlive"/>, when set, wins.
    /// </summary>
    public ushort? MaximumKeepAlive { get; set; }

    /// <summary>
    /// How long a connection the broker closes for a protocol reason (v5 DISCONNECT with a reason code) keeps reading and
    /// discarding the client's input after the DISCONNECT is written, so that a client still writing reads the reason
    /// instead of a connection reset. Bounded also by <see cref="DisconnectDrainBytes"/>; ends early when the client closes.
    /// A transport bound measured on the real clock (not <see cref="TimeProvider"/>). Default 1 s; zero turns it off.
    /// </summary>
    public TimeSpan DisconnectDrainTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most bytes discarded while draining after a server DISCONNECT (see <see cref="DisconnectDrainTimeout"/>). Default 1 MiB.</summary>
    public int DisconnectDrainBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Period of the <c>$SYS/broker/…</c> statistics (retained QoS 0 messages, see <see cref="MqttBroker.SysPrefix"/>);
    /// zero (the library default) publishes none. The EdgeConductor server sets 10 s (EC_MQTT_SYS_INTERVAL).
    /// </summary>
    public TimeSpan SysTopicsInterval { get; set; }

    /// <summary>Time allowed between accepting the transport and receiving CONNECT.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Period of the keep-alive / session-expiry / will-delay sweep.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Prefix of identifiers assigned to clients that connect with an empty client id.</summary>
    public string AssignedClientIdPrefix { get; set; } = "auto-";

    /// <summary>Receives unexpected exceptions (hook failures, transport faults). Never called for protocol errors from clients.</summary>
    public Action<Exception, string>? OnError { get; set; }

    /// <summary>
    /// Where the broker's meter (<c>EdgeConductor.Mqtt</c>) comes from: a host's <see cref="System.Diagnostics.Metrics.IMeterFactory"/>
    /// scopes it to that host (and disposes it); null gives the broker a process-wide meter of its own.
    /// </summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }
}
