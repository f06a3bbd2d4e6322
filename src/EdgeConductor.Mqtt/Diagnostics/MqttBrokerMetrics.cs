using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Diagnostics;

/// <summary>
/// Instruments on the <c>EdgeConductor.Mqtt</c> meter plus plain counters for <see cref="Broker.MqttBroker.GetStatistics"/>.
/// </summary>
internal sealed class MqttBrokerMetrics : IDisposable
{
    public const string MeterName = "EdgeConductor.Mqtt";

    private readonly Meter _meter;
    private readonly Counter<long> _messagesIn;
    private readonly Counter<long> _messagesOut;
    private readonly Counter<long> _bytesIn;
    private readonly Counter<long> _bytesOut;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _sessionLimit;
    private readonly Counter<long> _clientDropped;
    private readonly bool _ownsMeter;
    private readonly ConcurrentDictionary<string, byte> _droppingClients = new(StringComparer.Ordinal);
    private readonly int _maxDroppingClients;
    private int _droppingClientCount;
    private long _messagesInTotal;
    private long _messagesOutTotal;
    private long _bytesInTotal;
    private long _bytesOutTotal;
    private long _droppedTotal;
    private long _authFailuresTotal;
    private long _rejectedTotal;

    /// <summary>The <c>client_id</c> label of the clients beyond <see cref="Broker.MqttBrokerOptions.MaxDropCounterClients"/>.</summary>
    public const string OtherClients = "_other";

    /// <param name="meterFactory">The host's factory, which then owns (and disposes) the meter; null: a meter of our own.</param>
    /// <param name="maxDroppingClients">How many client ids get their own <c>mqtt.client.messages.dropped</c> series.</param>
    public MqttBrokerMetrics(Func<int> connectedClients, IMeterFactory? meterFactory = null, int maxDroppingClients = 1000)
    {
        _maxDroppingClients = maxDroppingClients;
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableGauge("mqtt.connections", connectedClients, "{connection}", "Connected MQTT clients");
        _messagesIn = _meter.CreateCounter<long>("mqtt.messages.received", "{message}", "PUBLISH packets received");
        _messagesOut = _meter.CreateCounter<long>("mqtt.messages.sent", "{message}", "PUBLISH packets sent");
        _bytesIn = _meter.CreateCounter<long>("mqtt.bytes.received", "By", "Bytes received");
        _bytesOut = _meter.CreateCounter<long>("mqtt.bytes.sent", "By", "Bytes sent");
        _dropped = _meter.CreateCounter<long>("mqtt.messages.dropped", "{message}", "Messages dropped, by reason");
        _authFailures = _meter.CreateCounter<long>("mqtt.auth.failures", "{connection}", "Rejected CONNECTs");
        _rejected = _meter.CreateCounter<long>("mqtt.publishes.rejected", "{message}", "Inbound publishes rejected by the host");
        _clientDropped = _meter.CreateCounter<long>("mqtt.client.messages.dropped", "{message}", "Messages dropped for a session (its queue, or its byte budget, was full), by client id (the first clients to drop; the rest as _other) and reason");
        _sessionLimit = _meter.CreateCounter<long>("mqtt.sessions.limited", "{session}", "Sessions evicted or refused by the per-owner session cap, by outcome");
    }

    public long MessagesIn => Volatile.Read(ref _messagesInTotal);

    public long MessagesOut => Volatile.Read(ref _messagesOutTotal);

    public long BytesIn => Volatile.Read(ref _bytesInTotal);

    public long BytesOut => Volatile.Read(ref _bytesOutTotal);

    public long Dropped => Volatile.Read(ref _droppedTotal);

    public long AuthFailures => Volatile.Read(ref _authFailuresTotal);

    public long Rejected => Volatile.Read(ref _rejectedTotal);

    public void MessageReceived()
    {
        Interlocked.Increment(ref _messagesInTotal);
        _messagesIn.Add(1);
    }

    public void MessagesSent(int count)
    {
        Interlocked.Add(ref _messagesOutTotal, count);
        _messagesOut.Add(count);
    }

    public void BytesReceived(long count)
    {
        Interlocked.Add(ref _bytesInTotal, count);
        _bytesIn.Add(count);
    }

    public void BytesSent(long count)
    {
        Interlocked.Add(ref _bytesOutTotal, count);
        _bytesOut.Add(count);
    }

    public void MessageDropped(string reason)
    {
        Interlocked.Increment(ref _droppedTotal);
        _dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    /// <summary>A message dropped for one connected subscriber (queue and byte budget full): tagged with its client id and the reason.</summary>
    public void ClientMessageDropped(string clientId, string reason) =>
        _clientDropped.Add(1, new KeyValuePair<string, object?>("client_id", DropLabel(clientId)), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>
    /// The client's own id for the first <see cref="_maxDroppingClients"/> clients that drop, <see cref="OtherClients"/>
    /// after that: the label's values stay bounded however many client ids a tenant makes up (Prometheus cardinality).
    /// </summary>
    private string DropLabel(string clientId)
    {
        if (_droppingClients.ContainsKey(clientId))
        {
            return clientId;
        }

        if (Volatile.Read(ref _droppingClientCount) >= _maxDroppingClients)
        {
            return OtherClients;
        }

        if (_droppingClients.TryAdd(clientId, 0))
        {
            Interlocked.Increment(ref _droppingClientCount);
        }

        return clientId;
    }

    public void AuthenticationFailed(MqttReasonCode code)
    {
        Interlocked.Increment(ref _authFailuresTotal);
        _authFailures.Add(1, new KeyValuePair<string, object?>("reason_code", (int)code));
    }

    public void PublishRejected(MqttReasonCode code)
    {
        Interlocked.Increment(ref _rejectedTotal);
        _rejected.Add(1, new KeyValuePair<string, object?>("reason_code", (int)code));
    }

    /// <summary>The per-owner session cap discarded the owner's longest-offline session to make room.</summary>
    public void SessionEvicted() => _sessionLimit.Add(1, new KeyValuePair<string, object?>("outcome", "evicted"));

    /// <summary>The per-owner session cap refused a CONNECT (every session of the owner online).</summary>
    public void SessionRefused() => _sessionLimit.Add(1, new KeyValuePair<string, object?>("outcome", "refused"));

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}
