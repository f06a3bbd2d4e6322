using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

/// <summary>
/// <see cref="Mqtt.Broker.MqttBrokerOptions.MaxQueuedBytes"/>: a QoS 0 burst to a connected subscriber whose transport is
/// behind waits in a byte-budgeted overflow instead of being dropped; beyond the budget drops are counted per client.
/// </summary>
[Collection(MemoryMeasurementCollection.Name)]
public sealed class ByteBudgetTests
{
    private const int Count = 20_000;

    /// <summary>Subscribes over a raw socket with a small receive buffer and returns without reading further.</summary>
    private static async Task<(Socket Socket, byte[] Leftover)> StalledSubscriberAsync(int port, string clientId)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var v = MqttProtocolVersion.V311;
        await socket.SendAsync(MqttPacketWriter.ToArray(new ConnectPacket { ProtocolVersion = v, ClientId = clientId }, v));
        await socket.SendAsync(MqttPacketWriter.ToArray(new SubscribePacket { PacketId = 1, Subscriptions = [new("flood/#", MqttQualityOfService.AtMostOnce)] }, v));
        var buffer = new byte[9];
        var read = 0;
        while (read < 4 + 5)
        {
            read += await socket.ReceiveAsync(buffer.AsMemory(read));
        }

        return (socket, []);
    }

    /// <summary>Reads exactly <paramref name="expected"/> PUBLISH packets (fails on a 30 s stall) and returns their topics' last one.</summary>
    private static async Task<string> ReadPublishesAsync(Socket socket, int expected)
    {
        var buffer = new byte[1 << 20];
        var count = 0;
        var got = 0;
        var last = "";
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (got < expected)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(count), SocketFlags.None, cts.Token);
            Assert.True(n > 0, $"connection closed after {got} of {expected}");
            count += n;
            var reader = new System.Buffers.SequenceReader<byte>(new System.Buffers.ReadOnlySequence<byte>(buffer, 0, count));
            while (got < expected && MqttPacketReader.TryReadPacket(ref reader, MqttProtocolVersion.V311, MqttPacketReader.ProtocolMaximumPacketSize, out var packet))
            {
                last = Assert.IsType<PublishPacket>(packet).Topic;
                got++;
            }

            var consumed = (int)reader.Consumed;
            Buffer.BlockCopy(buffer, consumed, buffer, 0, count - consumed);
            count -= consumed;
        }

        return last;
    }

    [Theory]
    [InlineData(64L << 20, true)]
    [InlineData(0L, false)]
    public async Task Qos0Burst_ToSubscriberThatReadsLater_AllDeliveredWithinBudget_DroppedWithout(long budget, bool allDelivered)
    {
        await using var test = TestBroker.Start(o => { o.MaxQueuedMessages = 1000; o.MaxQueuedBytes = budget; });
        var (subscriber, _) = await StalledSubscriberAsync(test.Port, "reader");
        using var _s = subscriber;
        var publisher = await test.ConnectAsync("pub");
        var payload = new byte[1024];
        for (var i = 0; i < Count; i++)
        {
            await publisher.PublishAsync("flood/x", payload, MqttQualityOfService.AtMostOnce); // 20 MB: far more than the transport holds
        }

        await publisher.PublishAsync("flood/end", "end", MqttQualityOfService.AtLeastOnce); // routed (in order) before its PUBACK
        var dropped = test.Broker.GetSessionQueueState("reader")!.Value.Dropped;
        if (allDelivered)
        {
            Assert.Equal(0, dropped);
            Assert.Equal("flood/end", await ReadPublishesAsync(subscriber, Count + 1)); // every one, in order, the marker last
        }
        else
        {
            Assert.True(dropped > 0, "without a byte budget the full queue drops QoS 0");
        }
    }

    [Fact]
    public async Task BeyondBudget_DropsCountedPerClient_NothingLostSilently()
    {
        using var perClient = new PerClientDrops("budget-reader", reason: null);

        await using var test = TestBroker.Start(o => { o.MaxQueuedMessages = 100; o.MaxQueuedBytes = 256 * 1024; });
        var (subscriber, _) = await StalledSubscriberAsync(test.Port, "budget-reader");
        using var _s = subscriber;
        var publisher = await test.ConnectAsync("pub");
        var payload = new byte[1024];
        for (var i = 0; i < Count; i++)
        {
            await publisher.PublishAsync("flood/x", payload, MqttQualityOfService.AtMostOnce);
        }

        await publisher.PublishAsync("flood/end", "end", MqttQualityOfService.AtMostOnce);
        await publisher.PublishAsync("other/sync", "sync", MqttQualityOfService.AtLeastOnce); // everything before it was routed
        var dropped = test.Broker.GetSessionQueueState("budget-reader")!.Value.Dropped;
        Assert.True(dropped > 0);
        Assert.Equal(dropped, perClient.Count);

        // Every message is either delivered or counted: the subscriber reads exactly the rest, and then a fresh one.
        await ReadPublishesAsync(subscriber, (int)(Count + 1 - dropped));
        await publisher.PublishAsync("flood/after", "after", MqttQualityOfService.AtLeastOnce);
        Assert.Equal("flood/after", await ReadPublishesAsync(subscriber, 1));
    }

    [Fact]
    public async Task OfflineSessionQueueFull_DropsCountedPerClient()
    {
        using var perClient = new PerClientDrops("offline-reader", reason: "queue_full");

        await using var test = TestBroker.Start(o => o.MaxQueuedMessages = 10);
        var reader = await test.ConnectAsync("offline-reader", configure: o => { o.CleanStart = false; o.SessionExpiryInterval = 3600; });
        await reader.SubscribeAsync("offline/#", MqttQualityOfService.AtLeastOnce);
        await reader.DisconnectAsync();
        await reader.DisposeAsync();
        for (var deadline = DateTime.UtcNow.AddSeconds(10); test.Broker.ConnectedClientCount > 0 && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(10); // the broker detaches the session after reading the DISCONNECT
        }

        Assert.Equal(0, test.Broker.ConnectedClientCount);
        var publisher = await test.ConnectAsync("pub");
        for (var i = 0; i < 25; i++)
        {
            await publisher.PublishAsync("offline/x", "m" + i, MqttQualityOfService.AtLeastOnce); // routed before its PUBACK
        }

        var state = test.Broker.GetSessionQueueState("offline-reader")!.Value;
        Assert.Equal(10, state.Queued);
        Assert.Equal(15, state.Dropped);
        Assert.Equal(15, perClient.Count);
    }

    [Fact]
    public async Task PerClientDropSeries_AreCapped_LaterClientsCountAsOther()
    {
        using var first = new PerClientDrops("cap-first", reason: "queue_full");
        using var second = new PerClientDrops("cap-second", reason: "queue_full");
        using var other = new PerClientDrops(Diagnostics.MqttBrokerMetrics.OtherClients, reason: "queue_full");
        await using var test = TestBroker.Start(o => { o.MaxQueuedMessages = 10; o.MaxDropCounterClients = 1; });
        foreach (var id in new[] { "cap-first", "cap-second" })
        {
            var reader = await test.ConnectAsync(id, configure: o => { o.CleanStart = false; o.SessionExpiryInterval = 3600; });
            await reader.SubscribeAsync(id + "/#", MqttQualityOfService.AtLeastOnce);
            await reader.DisconnectAsync();
            await reader.DisposeAsync();
        }

        for (var deadline = DateTime.UtcNow.AddSeconds(10); test.Broker.ConnectedClientCount > 0 && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(10);
        }

        var publisher = await test.ConnectAsync("pub");
        foreach (var id in new[] { "cap-first", "cap-second" })
        {
            for (var i = 0; i < 25; i++)
            {
                await publisher.PublishAsync(id + "/x", "m" + i, MqttQualityOfService.AtLeastOnce);
            }
        }

        Assert.Equal(15, test.Broker.GetSessionQueueState("cap-second")!.Value.Dropped);
        Assert.Equal(15, first.Count);  // the first client to drop keeps its own series
        Assert.Equal(0, second.Count);  // the second is beyond the cap of 1 ...
        Assert.Equal(15, other.Count);  // ... and counted as _other
    }

    /// <summary>Sums <c>mqtt.client.messages.dropped</c> for one client id (and one reason, unless null) while it lives.</summary>
    private sealed class PerClientDrops : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public PerClientDrops(string clientId, string? reason)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "mqtt.client.messages.dropped")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                var mine = false;
                var reasonMatches = reason is null;
                foreach (var tag in tags)
                {
                    mine |= tag.Key == "client_id" && Equals(tag.Value, clientId);
                    reasonMatches |= tag.Key == "reason" && Equals(tag.Value, reason);
                }

                if (mine && reasonMatches)
                {
                    Interlocked.Add(ref _count, value);
                }
            });
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
