using System.Net;
using System.Net.Sockets;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

[Collection(MemoryMeasurementCollection.Name)]
public sealed class BackPressureTests
{
    /// <summary>A subscriber that connects, subscribes, then never reads its socket again.</summary>
    private static async Task<Socket> StalledSubscriberAsync(int port, string clientId, MqttQualityOfService qos)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var v = MqttProtocolVersion.V311;
        await socket.SendAsync(MqttPacketWriter.ToArray(new ConnectPacket { ProtocolVersion = v, ClientId = clientId }, v));
        await socket.SendAsync(MqttPacketWriter.ToArray(new SubscribePacket { PacketId = 1, Subscriptions = [new("flood/#", qos)] }, v));
        var buffer = new byte[9];
        var read = 0;
        while (read < 4 + 5)
        {
            read += await socket.ReceiveAsync(buffer.AsMemory(read));
        }

        return socket;
    }

    [Fact]
    public async Task SlowConsumer_Qos0Flood_QueueBoundedDropsCountedMemoryBounded()
    {
        await using var test = TestBroker.Start(o => { o.MaxQueuedMessages = 1000; o.MaxQueuedBytes = 0; }); // byte budget off: the queue alone bounds memory (ByteBudgetTests covers the budget)
        using var stalled = await StalledSubscriberAsync(test.Port, "stalled", MqttQualityOfService.AtMostOnce);
        var healthy = await test.ConnectAsync("healthy", MqttProtocolVersion.V500, o => o.ReceiveQueueCapacity = 100_000);
        await healthy.SubscribeAsync("flood/#", MqttQualityOfService.AtLeastOnce);
        var publisher = await test.ConnectAsync("pub");

        var before = HeapMeasurement.Live();
        var payload = new byte[1024];
        const int count = 30_000;
        for (var i = 0; i < count; i++)
        {
            await publisher.PublishAsync("flood/x", payload, MqttQualityOfService.AtMostOnce);
        }

        await publisher.PublishAsync("flood/end", "end", MqttQualityOfService.AtLeastOnce);
        var received = 0;
        while ((await healthy.ReceiveAsync()).Topic != "flood/end")
        {
            received++;
        }

        var state = test.Broker.GetSessionQueueState("stalled")!.Value;
        Assert.True(state.Queued <= 1000, $"queued {state.Queued}");
        Assert.True(state.Dropped > count / 2, $"dropped {state.Dropped}");
        Assert.True(test.Broker.GetStatistics().MessagesDropped >= state.Dropped);
        Assert.True(received >= 1000, $"healthy subscriber got {received}");

        const long limit = 16 * 1024 * 1024;
        var after = await HeapMeasurement.SettledAsync(before, limit);
        Assert.True(after - before < limit, $"heap grew by {(after - before) / 1024} KB for a {count / 1024} MB flood");
    }

    [Fact]
    public async Task SlowConsumer_Qos1_InflightAndQueueBounded_PublisherBackPressuredThenDrops()
    {
        await using var test = TestBroker.Start(o =>
        {
            o.MaxQueuedMessages = 50;
            o.MaxInflightMessages = 20;
            o.QueueFullWaitTimeout = TimeSpan.FromMilliseconds(100);
        });
        using var stalled = await StalledSubscriberAsync(test.Port, "stalled1", MqttQualityOfService.AtLeastOnce);
        var publisher = await test.ConnectAsync("pub");
        var payload = new byte[100];
        const int count = 120;
        for (var i = 0; i < count; i++)
        {
            await publisher.PublishAsync("flood/x", payload, MqttQualityOfService.AtLeastOnce);
        }

        var state = test.Broker.GetSessionQueueState("stalled1")!.Value;
        Assert.True(state.Inflight <= 20, $"inflight {state.Inflight}");
        Assert.True(state.Queued <= 50 + 1, $"queued {state.Queued}"); // + the head parked by the full window
        Assert.True(state.Dropped >= count - 20 - 51, $"dropped {state.Dropped}");
    }

    [Fact]
    public async Task OfflinePersistentSession_QueueBounded()
    {
        await using var test = TestBroker.Start(o => o.MaxQueuedMessages = 10);
        var sub = await test.ConnectAsync("away", MqttProtocolVersion.V500, o => { o.CleanStart = false; o.SessionExpiryInterval = 600; });
        await sub.SubscribeAsync("flood/#", MqttQualityOfService.AtLeastOnce);
        await sub.DisconnectAsync();
        var publisher = await test.ConnectAsync("pub");
        for (var i = 0; i < 100; i++)
        {
            await publisher.PublishAsync("flood/x", i.ToString(), MqttQualityOfService.AtLeastOnce);
        }

        var state = test.Broker.GetSessionQueueState("away")!.Value;
        Assert.Equal(10, state.Queued);
        Assert.Equal(90, state.Dropped);
    }

    [Fact]
    public async Task ReceiveMaximum_ClientAnnounces2_AtMost2Unacked()
    {
        await using var test = TestBroker.Start();
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "rm", MqttProtocolVersion.V500, configure: c => c.Properties = new MqttProperties { ReceiveMaximum = 2 });
        await using var _raw = raw;
        await raw.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = [new("rm/#", MqttQualityOfService.AtLeastOnce)] });
        await raw.ReceiveAsync<SubAckPacket>();
        var publisher = await test.ConnectAsync("pub");
        for (var i = 0; i < 5; i++)
        {
            await publisher.PublishAsync("rm/x", i.ToString(), MqttQualityOfService.AtLeastOnce);
        }

        var first = await raw.ReceiveAsync<PublishPacket>();
        var second = await raw.ReceiveAsync<PublishPacket>();
        await raw.SendAsync(PingReqPacket.Instance);
        Assert.IsType<PingRespPacket>(await raw.ReceiveAsync());
        await raw.SendAsync(new PubAckPacket { PacketId = first.PacketId });
        var third = await raw.ReceiveAsync<PublishPacket>();
        Assert.Equal("2"u8.ToArray(), third.Payload.ToArray());
        _ = second;
    }

    [Fact]
    public async Task ReceiveMaximum_ClientExceedsServerLimit_Disconnected0x93()
    {
        var gate = new TaskCompletionSource<EdgeConductor.Mqtt.Broker.MqttPublishResult>();
        var hooks = new TestHooks { Publish = _ => new ValueTask<EdgeConductor.Mqtt.Broker.MqttPublishResult>(gate.Task) };
        await using var test = TestBroker.Start(o => { o.ReceiveMaximum = 3; o.Hooks = hooks; });
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "greedy", MqttProtocolVersion.V500);
        await using var _raw = raw;
        for (ushort i = 1; i <= 4; i++)
        {
            await raw.SendAsync(new PublishPacket { Topic = "g", QoS = MqttQualityOfService.AtLeastOnce, PacketId = i });
        }

        var (closed, last) = await raw.WaitForCloseAsync(TimeSpan.FromSeconds(5));
        Assert.True(closed);
        Assert.Equal(MqttReasonCode.ReceiveMaximumExceeded, Assert.IsType<DisconnectPacket>(last).ReasonCode);
        gate.SetResult(EdgeConductor.Mqtt.Broker.MqttPublishResult.Accept);
    }
}
