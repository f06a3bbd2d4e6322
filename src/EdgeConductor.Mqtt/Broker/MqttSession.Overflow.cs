namespace EdgeConductor.Mqtt.Broker;

/// <summary>
/// The byte-budgeted overflow of a connected subscriber's queue (<see cref="MqttBrokerOptions.MaxQueuedBytes"/>): when the
/// bounded queue (<see cref="MqttBrokerOptions.MaxQueuedMessages"/>) is full because the transport is momentarily behind,
/// messages wait here, in order, until the output loop catches up; only beyond the budget are they dropped. Allocated on
/// the first overflow and released when it drains, so idle sessions pay one null reference and two counters.
/// </summary>
internal sealed partial class MqttSession
{
    /// <summary>Bookkeeping cost charged per overflowed message on top of its topic and payload (the queue entry, references).</summary>
    internal const int OverflowEntryOverhead = 64;

    private Queue<QueuedMessage>? _overflow;
    private long _overflowBytes;
    private int _overflowCount;

    /// <summary>Whether messages wait in the overflow (later messages must queue behind them to keep order).</summary>
    public bool HasOverflow => Volatile.Read(ref _overflowCount) > 0;

    /// <summary>Messages waiting in the overflow.</summary>
    public int OverflowCount => Volatile.Read(ref _overflowCount);

    /// <summary>Bytes charged to the overflow (topic length × 2 + payload + <see cref="OverflowEntryOverhead"/> per message).</summary>
    public long OverflowBytes => Volatile.Read(ref _overflowBytes);

    private static long ChargeOf(in QueuedMessage item) => (item.Message.Topic.Length * 2L) + item.Message.Payload.Length + OverflowEntryOverhead;

    /// <summary>Appends <paramref name="item"/> when it fits in <paramref name="budget"/> bytes; false (nothing changed) otherwise.</summary>
    public bool TryOverflow(in QueuedMessage item, long budget)
    {
        var charge = ChargeOf(item);
        lock (SyncRoot)
        {
            if (_overflowBytes + charge > budget)
            {
                return false;
            }

            (_overflow ??= new Queue<QueuedMessage>()).Enqueue(item);
            _overflowBytes += charge;
            Volatile.Write(ref _overflowCount, _overflowCount + 1);
            return true;
        }
    }

    /// <summary>Takes the oldest overflowed message (output loop only, after the bounded queue is empty).</summary>
    public bool TryTakeOverflow(out QueuedMessage item)
    {
        if (Volatile.Read(ref _overflowCount) > 0)
        {
            lock (SyncRoot)
            {
                if (_overflow is { Count: > 0 } overflow)
                {
                    item = overflow.Dequeue();
                    _overflowBytes -= ChargeOf(item);
                    Volatile.Write(ref _overflowCount, _overflowCount - 1);
                    if (overflow.Count == 0)
                    {
                        _overflow = null; // give the (possibly large) buffer back once a burst is over
                    }

                    return true;
                }
            }
        }

        item = default;
        return false;
    }

    /// <summary>Drops the overflow (clean start, expiry, detach of a subscriber whose QoS 0 backlog is not kept). Returns how many were dropped.</summary>
    public int ClearOverflow()
    {
        lock (SyncRoot)
        {
            var dropped = _overflowCount;
            _overflow = null;
            _overflowBytes = 0;
            Volatile.Write(ref _overflowCount, 0);
            return dropped;
        }
    }
}
