using System.Collections.Concurrent;
using System.IO.Pipelines;
using EdgeConductor.Mqtt.Diagnostics;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Topics;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>
/// Transport-agnostic MQTT 3.1.1 / 5.0 broker. The host hands each accepted connection to
/// <see cref="RunConnectionAsync"/> (Kestrel: <c>ConnectionContext.Transport</c>; standalone: <see cref="Transport.MqttTcpListener"/>).
/// </summary>
public sealed partial class MqttBroker : IAsyncDisposable
{
    private readonly SubscriptionIndex<MqttSession, MqttSubscription> _index = new();
    private readonly RetainedMessageStore _retained = new();

    // Sessions by identity (owner, client id), never by client id alone: see MqttSessionKey.
    private readonly Dictionary<MqttSessionKey, MqttSession> _sessions = new();
    private readonly Dictionary<string, object> _sessionsByOwner = new(StringComparer.Ordinal); // MqttSession or HashSet (OneOrMany)
    private readonly Lock _sessionsLock = new();
    private readonly ConcurrentDictionary<MqttServerConnection, byte> _connections = new();
    private readonly ITimer _sweepTimer;
    private int _connectedCount;
    private volatile bool _disposed;

    public MqttBroker(MqttBrokerOptions? options = null)
    {
        Options = options ?? new MqttBrokerOptions();
        TimeProvider = Options.TimeProvider;
        Metrics = new MqttBrokerMetrics(() => Volatile.Read(ref _connectedCount), Options.MeterFactory, Options.MaxDropCounterClients);
        _sweepTimer = TimeProvider.CreateTimer(static s => ((MqttBroker)s!).Sweep(), this, Options.SweepInterval, Options.SweepInterval);
        StartSysTopics();
    }

    public MqttBrokerOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Name of the <see cref="System.Diagnostics.Metrics.Meter"/> the broker reports on.</summary>
    public static string MeterName => MqttBrokerMetrics.MeterName;

    /// <summary>Number of clients that completed CONNECT and are still connected.</summary>
    public int ConnectedClientCount => Volatile.Read(ref _connectedCount);

    internal MqttBrokerMetrics Metrics { get; }

    internal long NowTicks => TimeProvider.GetUtcNow().UtcTicks;

    private long _completedSweeps;

    /// <summary>Open connections, including those still waiting for their CONNECT (tests await a connection's registration).</summary>
    internal int OpenConnectionCount => _connections.Count;

    /// <summary>When <paramref name="clientId"/>'s connection last sent a packet, or null if it has none (keep-alive tests).</summary>
    internal long? LastActivityTicksOf(string clientId) =>
        _connections.Keys.FirstOrDefault(c => c.Client?.ClientId == clientId)?.LastActivityTicks;

    /// <summary>
    /// Runs one MQTT connection over <paramref name="transport"/> until the client disconnects, a protocol error
    /// occurs, or <paramref name="cancellationToken"/> fires. Never throws for client misbehaviour. Completes both
    /// sides of the pipe when done.
    /// </summary>
    public async Task RunConnectionAsync(IDuplexPipe transport, MqttConnectionInfo info, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new MqttServerConnection(this, transport, info ?? MqttConnectionInfo.Unknown, cancellationToken);
        _connections.TryAdd(connection, 0);
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
        }
    }

    /// <summary>
    /// Runs a connection whose transport the broker then owns (<see cref="Transport.MqttTcpListener"/>): it is disposed when
    /// the connection has ended. The same as <see cref="RunConnectionAsync"/> without its async frame (144 bytes per idle
    /// connection), and without a cancellation token: the listener aborts the transport instead.
    /// </summary>
    internal Task RunOwnedConnectionAsync<TTransport>(TTransport transport, MqttConnectionInfo info)
        where TTransport : IDuplexPipe, IAsyncDisposable
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new MqttServerConnection(this, transport, info, CancellationToken.None) { OwnedTransport = transport };
        _connections.TryAdd(connection, 0);
        return connection.RunAsync();
    }

    /// <summary>An owned connection has ended (<see cref="RunOwnedConnectionAsync"/>).</summary>
    internal void ForgetConnection(MqttServerConnection connection) => _connections.TryRemove(connection, out _);

    /// <summary>Publishes as the server: routed to subscribers and stored if retained. Awaiting applies queue back-pressure for QoS 1/2.</summary>
    public ValueTask PublishAsync(MqttApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!MqttTopic.IsValidTopicName(message.Topic))
        {
            throw new ArgumentException($"Invalid topic name '{message.Topic}'.", nameof(message));
        }

        var routed = CreateMessage(message.Topic, message.Payload, message.QoS, message.Retain, message.Properties, null);
        return RouteAsync(routed, null);
    }

    /// <summary>Snapshot of connected clients.</summary>
    public IReadOnlyList<MqttClientInfo> GetConnectedClients()
    {
        var list = new List<MqttClientInfo>();
        foreach (var connection in _connections.Keys)
        {
            if (connection.IsConnected && connection.Client is { } client)
            {
                list.Add(client);
            }
        }

        return list;
    }

    /// <summary>
    /// Disconnects the connection holding the session of <paramref name="key"/> (v5 gets DISCONNECT 0x98 Administrative
    /// action). Sessions of other owners with the same client id are untouched. Returns false if it is not connected.
    /// </summary>
    public bool DisconnectClient(MqttSessionKey key)
    {
        lock (_sessionsLock)
        {
            if (_sessions.TryGetValue(key, out var session) && session.Connection is { } connection)
            {
                connection.Abort(MqttDisconnectReason.AdministrativeAction, MqttReasonCode.AdministrativeAction);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <see cref="DisconnectClient(MqttSessionKey)"/> for a session of the default owner (hooks that name no owner,
    /// <see cref="MqttAuthenticationResult.DefaultOwner"/>).
    /// </summary>
    public bool DisconnectClient(string clientId) => DisconnectClient(MqttSessionKey.ForClientId(clientId));

    /// <summary>The topic filters the session of <paramref name="key"/> holds (empty if there is no such session); a resumed session keeps its stored ones.</summary>
    public IReadOnlyList<string> GetSubscriptions(MqttSessionKey key)
    {
        lock (_sessionsLock)
        {
            return _sessions.TryGetValue(key, out var s) && s.HasSubscriptions ? [.. s.Subscriptions.Keys] : [];
        }
    }

    /// <summary>Number of sessions (online and persistent offline) <paramref name="owner"/> holds; the per-owner cap counts these.</summary>
    public int GetSessionCount(string owner)
    {
        lock (_sessionsLock)
        {
            return _sessionsByOwner.TryGetValue(owner, out var owned) ? OneOrMany.Count<MqttSession>(owned) : 0;
        }
    }

    /// <summary>
    /// Closes every connected client for which <paramref name="predicate"/> is true (e.g. its credential was revoked).
    /// v5 clients get DISCONNECT with <paramref name="reasonCode"/> (default 0x98 Administrative action, MQTT 5.0
    /// §3.14.2.1); v3.1.1 has no server DISCONNECT, so the network connection is simply closed. Sessions are detached as on
    /// any disconnect (persistent ones stay). Safe from any thread; the predicate runs on the caller's thread and must not
    /// block. Returns how many connections were asked to close.
    /// </summary>
    public int DisconnectClients(Func<MqttClientInfo, bool> predicate, MqttReasonCode reasonCode = MqttReasonCode.AdministrativeAction)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var closed = 0;
        foreach (var connection in _connections.Keys)
        {
            if (connection.IsConnected && connection.Client is { } client && predicate(client))
            {
                connection.Abort(MqttDisconnectReason.AdministrativeAction, reasonCode);
                closed++;
            }
        }

        return closed;
    }

    public MqttBrokerStatistics GetStatistics()
    {
        int sessions;
        lock (_sessionsLock)
        {
            sessions = _sessions.Count;
        }

        return new MqttBrokerStatistics(
            ConnectedClientCount,
            sessions,
            _index.Count,
            _retained.Count,
            Metrics.MessagesIn,
            Metrics.MessagesOut,
            Metrics.BytesIn,
            Metrics.BytesOut,
            Metrics.Dropped,
            Metrics.AuthFailures,
            Metrics.Rejected);
    }

    /// <summary>Queue depth, in-flight count and drop count of the session of <paramref name="key"/> (diagnostics, tests); null if there is none.</summary>
    public (int Queued, int Inflight, long Dropped)? GetSessionQueueState(MqttSessionKey key)
    {
        lock (_sessionsLock)
        {
            return _sessions.TryGetValue(key, out var s) ? (s.QueuedCount, s.InflightCount, s.DroppedMessages) : null;
        }
    }

    /// <summary><see cref="GetSessionQueueState(MqttSessionKey)"/> for a session of the default owner.</summary>
    public (int Queued, int Inflight, long Dropped)? GetSessionQueueState(string clientId) => GetSessionQueueState(MqttSessionKey.ForClientId(clientId));

    internal void ReportError(Exception ex, string context) => Options.OnError?.Invoke(ex, context);

    internal MqttApplicationMessage CreateMessage(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfService qos, bool retain, MqttProperties? properties, string? sender)
    {
        if (properties is not null && (properties.TopicAlias is not null || properties.SubscriptionIdentifiers is not null))
        {
            properties = properties.Clone();
            properties.TopicAlias = null;
            properties.SubscriptionIdentifiers = null;
        }

        var message = new MqttApplicationMessage(topic, payload, qos, retain, properties) { SenderClientId = sender };
        if (properties?.MessageExpiryInterval is { } expiry)
        {
            message.ExpiresAtTicks = NowTicks + (expiry * TimeSpan.TicksPerSecond);
        }

        return message;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _sweepTimer.DisposeAsync().ConfigureAwait(false);
        await StopSysTopicsAsync().ConfigureAwait(false);
        var running = new List<Task>();
        foreach (var connection in _connections.Keys)
        {
            connection.Abort(MqttDisconnectReason.ServerShutdown, MqttReasonCode.ServerShuttingDown);
            running.Add(connection.Completion);
        }

        await Task.WhenAny(Task.WhenAll(running), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        await DisposeStateWriterAsync().ConfigureAwait(false);
        Metrics.Dispose();
    }
}
