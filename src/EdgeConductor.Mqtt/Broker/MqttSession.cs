using System.Threading.Channels;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>
/// Session state that outlives a connection: subscriptions, the bounded delivery queue, outbound in-flight
/// messages and inbound QoS 2 packet ids. Mutable state is guarded by <see cref="SyncRoot"/>; the queue is a
/// bounded channel written by routing threads and read by the attached connection's output loop.
/// </summary>
internal sealed partial class MqttSession
{
    private readonly int _maxQueuedMessages;
    private Channel<QueuedMessage>? _queue;
    private Dictionary<string, MqttSubscription>? _subscriptions;
    private Dictionary<ushort, InflightMessage>? _inflight;
    private HashSet<ushort>? _incomingQos2;
    private ushort _lastPacketId;
    private long _sequence;
    private long _dropped;

    public MqttSession(MqttSessionKey key, int maxQueuedMessages)
    {
        Key = key;
        _maxQueuedMessages = Math.Max(1, maxQueuedMessages);
    }

    /// <summary>The session's identity: (owner, client id). The session table, the subscription index (by reference) and the per-owner cap use it.</summary>
    public MqttSessionKey Key { get; }

    public string ClientId => Key.ClientId;

    public string Owner => Key.Owner;

    /// <summary>When the last connection detached (UTC ticks); orders offline sessions for eviction under the per-owner cap.</summary>
    public long DetachedAtTicks { get; set; }

    /// <summary>Guards in-flight state and packet ids (the session is private to the broker).</summary>
    public object SyncRoot => this;

    /// <summary>The connection currently attached, if any.</summary>
    public MqttServerConnection? Connection { get; set; }

    public bool IsOnline => Connection is not null;

    /// <summary>Session expiry interval in seconds; uint.MaxValue = never.</summary>
    public uint ExpiryInterval { get; set; }

    /// <summary>When a disconnected session expires (UTC ticks), 0 when connected or never.</summary>
    public long ExpiresAtTicks { get; set; }

    /// <summary>A will waiting for its delay to elapse (v5).</summary>
    public MqttWillMessage? PendingWill { get; set; }

    public long WillDueAtTicks { get; set; }

    public MqttClientInfo? PendingWillClient { get; set; }

    public bool Discarded { get; set; }

    /// <summary>The delivery queue's reader, or null while nothing was ever queued (idle sessions hold no queue).</summary>
    public ChannelReader<QueuedMessage>? QueueReaderOrNull => Volatile.Read(ref _queue)?.Reader;

    public ChannelWriter<QueuedMessage> QueueWriter => (Volatile.Read(ref _queue) ?? CreateQueue()).Writer;

    private Channel<QueuedMessage> CreateQueue()
    {
        var queue = Channel.CreateBounded<QueuedMessage>(new BoundedChannelOptions(_maxQueuedMessages)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        return Interlocked.CompareExchange(ref _queue, queue, null) ?? queue;
    }

    public long DroppedMessages => Volatile.Read(ref _dropped);

    public int QueuedCount => (_queue?.Reader.Count ?? 0) + (Stash.HasValue ? 1 : 0) + OverflowCount;

    /// <summary>Head-of-queue message taken out but held back by the in-flight window. Output loop only.</summary>
    public QueuedMessage? Stash { get; set; }

    public int InflightCount
    {
        get
        {
            lock (SyncRoot)
            {
                return _inflight?.Count ?? 0;
            }
        }
    }

    public void CountDrop() => Interlocked.Increment(ref _dropped);

    public Dictionary<string, MqttSubscription> Subscriptions => _subscriptions ??= new(StringComparer.Ordinal);

    public bool HasSubscriptions => _subscriptions is { Count: > 0 };

    /// <summary>Allocates a packet id not currently in flight. Caller holds <see cref="SyncRoot"/>.</summary>
    public ushort NextPacketId()
    {
        for (var i = 0; i < 65536; i++)
        {
            _lastPacketId = _lastPacketId == ushort.MaxValue ? (ushort)1 : (ushort)(_lastPacketId + 1);
            if (_inflight is null || !_inflight.ContainsKey(_lastPacketId))
            {
                return _lastPacketId;
            }
        }

        throw new InvalidOperationException("No free packet identifier.");
    }

    /// <summary>Caller holds <see cref="SyncRoot"/>.</summary>
    public void AddInflight(PublishPacket packet, long persistId = 0) =>
        (_inflight ??= [])[packet.PacketId] = new InflightMessage(packet, ++_sequence) { PersistId = persistId };

    /// <summary>Caller holds <see cref="SyncRoot"/>.</summary>
    public int InflightCountUnsafe => _inflight?.Count ?? 0;

    /// <summary>PUBACK (QoS 1) or PUBCOMP (QoS 2 released). Returns true if it freed a window slot.</summary>
    public bool CompleteInflight(ushort packetId, bool expectReleased)
    {
        lock (SyncRoot)
        {
            if (_inflight is not null && _inflight.TryGetValue(packetId, out var entry) &&
                (expectReleased ? entry.Released : entry.Packet.QoS == MqttQualityOfService.AtLeastOnce))
            {
                _inflight.Remove(packetId);
                Persisted(entry.PersistId);
                return true;
            }

            return false;
        }
    }

    /// <summary>PUBREC: marks the QoS 2 message released. Returns false if unknown.</summary>
    public bool ReleaseInflight(ushort packetId, bool failed)
    {
        lock (SyncRoot)
        {
            if (_inflight is null || !_inflight.TryGetValue(packetId, out var entry) || entry.Packet.QoS != MqttQualityOfService.ExactlyOnce)
            {
                return false;
            }

            if (failed)
            {
                _inflight.Remove(packetId);
                Persisted(entry.PersistId);
            }
            else
            {
                entry.Released = true;
            }

            return true;
        }
    }

    /// <summary>In-flight messages in send order, for redelivery on a resumed session.</summary>
    public List<InflightMessage> SnapshotInflight()
    {
        lock (SyncRoot)
        {
            if (_inflight is null || _inflight.Count == 0)
            {
                return [];
            }

            var list = new List<InflightMessage>(_inflight.Values);
            list.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
            return list;
        }
    }

    /// <summary>Registers an inbound QoS 2 packet id. False if it is already known (duplicate).</summary>
    public bool TryBeginIncomingQos2(ushort packetId)
    {
        lock (SyncRoot)
        {
            return (_incomingQos2 ??= []).Add(packetId);
        }
    }

    public bool EndIncomingQos2(ushort packetId)
    {
        lock (SyncRoot)
        {
            return _incomingQos2?.Remove(packetId) ?? false;
        }
    }

    /// <summary>
    /// Drops queued and unacknowledged outbound messages that <paramref name="keep"/> rejects (their subscription was
    /// withdrawn on resume). QoS 2 messages already released (PUBREL sent) stay: the client holds them already. Messages
    /// routed while this runs may be reordered behind the kept ones. Returns the number dropped.
    /// </summary>
    public int Prune(Func<string, bool> keep)
    {
        var dropped = 0;
        lock (SyncRoot)
        {
            if (_inflight is { Count: > 0 })
            {
                foreach (var (id, entry) in _inflight.ToArray())
                {
                    if (!entry.Released && !keep(entry.Packet.Topic))
                    {
                        _inflight.Remove(id);
                        Persisted(entry.PersistId);
                        dropped++;
                    }
                }
            }

            if (Stash is { } stash && !keep(stash.Message.Topic))
            {
                Stash = null;
                Persisted(stash.PersistId);
                dropped++;
            }

            if (_queue is not null)
            {
                var kept = new List<QueuedMessage>();
                while (_queue.Reader.TryRead(out var item))
                {
                    if (keep(item.Message.Topic))
                    {
                        kept.Add(item);
                    }
                    else
                    {
                        Persisted(item.PersistId);
                        dropped++;
                    }
                }

                foreach (var item in kept)
                {
                    if (!_queue.Writer.TryWrite(item))
                    {
                        Persisted(item.PersistId);
                        CountDrop();
                    }
                }
            }
        }

        return dropped;
    }

    /// <summary>Drops all queued and in-flight state (clean start / expiry).</summary>
    public void ClearState()
    {
        lock (SyncRoot)
        {
            _inflight?.Clear();
            _incomingQos2?.Clear();
            Stash = null;
            if (_queue is not null)
            {
                while (_queue.Reader.TryRead(out _))
                {
                }
            }
        }
    }
}
