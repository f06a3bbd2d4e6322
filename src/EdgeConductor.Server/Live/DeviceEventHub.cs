using System.Collections.Concurrent;
using System.Threading.Channels;

namespace EdgeConductor.Server.Live;

/// <summary>
/// In-process fan-out of committed telemetry and shadow changes to live subscribers (SSE). Each subscriber has a
/// bounded queue; a subscriber that falls behind loses its oldest events rather than growing memory.
/// </summary>
public sealed class DeviceEventHub
{
    public const int SubscriberQueue = 256;
    private readonly ConcurrentDictionary<Subscription, byte> _subscribers = new();

    public Subscription Subscribe(string? serial, string? orgId)
    {
        var sub = new Subscription(this, serial, orgId);
        _subscribers[sub] = 0;
        return sub;
    }

    public int SubscriberCount => _subscribers.Count;

    /// <summary>Not an event: put into a subscriber's queue by <see cref="Subscription.Wake"/> to make its reader re-check its rights.</summary>
    internal static readonly DeviceEvent WakeUp = new("", "", null, "");

    public void Publish(DeviceEvent e)
    {
        foreach (var sub in _subscribers.Keys)
            if (sub.Matches(e)) sub.Writer.TryWrite(e);
    }

    public sealed class Subscription : IDisposable
    {
        private readonly DeviceEventHub _hub;
        private readonly Channel<DeviceEvent> _channel = Channel.CreateBounded<DeviceEvent>(
            new BoundedChannelOptions(SubscriberQueue) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        internal Subscription(DeviceEventHub hub, string? serial, string? orgId)
        {
            _hub = hub;
            Serial = serial;
            OrgId = orgId;
        }

        public string? Serial { get; }
        public string? OrgId { get; }
        internal ChannelWriter<DeviceEvent> Writer => _channel.Writer;
        public ChannelReader<DeviceEvent> Reader => _channel.Reader;

        internal bool Matches(DeviceEvent e) => (Serial is null || Serial == e.Serial) && (OrgId is null || OrgId == e.OrgId);

        /// <summary>
        /// Makes the reader look at its rights now (an access change happened), without waiting for the next event or
        /// heartbeat. Never blocks: the queue drops its oldest entry when full, and a full queue wakes the reader anyway.
        /// </summary>
        public void Wake() => _channel.Writer.TryWrite(WakeUp);

        public void Dispose()
        {
            _hub._subscribers.TryRemove(this, out _);
            _channel.Writer.TryComplete();
        }
    }
}
