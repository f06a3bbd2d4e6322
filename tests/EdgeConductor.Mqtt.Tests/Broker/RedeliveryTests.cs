using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

public sealed class RedeliveryTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Qos1_UnackedThenReconnect_RedeliveredWithDup(MqttProtocolVersion version)
    {
        await using var test = TestBroker.Start();
        var (sub, _) = await RawClient.ConnectAsync(test.Port, "sub", version, cleanStart: false, sessionExpiry: 300);
        await sub.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = [new("t", MqttQualityOfService.AtLeastOnce)] });
        await sub.ReceiveAsync<SubAckPacket>();
        var publisher = await test.ConnectAsync("pub");
        await publisher.PublishAsync("t", "m1", MqttQualityOfService.AtLeastOnce);
        var first = await sub.ReceiveAsync<PublishPacket>();
        Assert.False(first.Dup);
        await sub.DisposeAsync(); // never acked
        await TestExtensions.WaitUntilAsync(() => test.Broker.ConnectedClientCount == 1);

        var (again, ack) = await RawClient.ConnectAsync(test.Port, "sub", version, cleanStart: false, sessionExpiry: 300);
        await using var _ = again;
        Assert.True(ack.SessionPresent);
        var redelivered = await again.ReceiveAsync<PublishPacket>();
        Assert.True(redelivered.Dup);
        Assert.Equal(first.PacketId, redelivered.PacketId);
        Assert.Equal("m1"u8.ToArray(), redelivered.Payload.ToArray());
        await again.SendAsync(new PubAckPacket { PacketId = redelivered.PacketId });
        await again.SendAsync(PingReqPacket.Instance);
        Assert.IsType<PingRespPacket>(await again.ReceiveAsync());
        await TestExtensions.WaitUntilAsync(() => test.Broker.GetSessionQueueState("sub")!.Value.Inflight == 0);
    }

    [Fact]
    public async Task Qos2_PubRecSentThenReconnect_PubRelResentNotPublish()
    {
        await using var test = TestBroker.Start();
        var (sub, _) = await RawClient.ConnectAsync(test.Port, "sub2", MqttProtocolVersion.V500, cleanStart: false, sessionExpiry: 300);
        await sub.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = [new("t", MqttQualityOfService.ExactlyOnce)] });
        await sub.ReceiveAsync<SubAckPacket>();
        var publisher = await test.ConnectAsync("pub");
        Assert.Equal(MqttReasonCode.Success, await publisher.PublishAsync("t", "once", MqttQualityOfService.ExactlyOnce));
        var publish = await sub.ReceiveAsync<PublishPacket>();
        await sub.SendAsync(new PubRecPacket { PacketId = publish.PacketId });
        Assert.Equal(publish.PacketId, (await sub.ReceiveAsync<PubRelPacket>()).PacketId);
        await sub.DisposeAsync(); // no PUBCOMP
        await TestExtensions.WaitUntilAsync(() => test.Broker.ConnectedClientCount == 1);

        var (again, ack) = await RawClient.ConnectAsync(test.Port, "sub2", MqttProtocolVersion.V500, cleanStart: false, sessionExpiry: 300);
        await using var _ = again;
        Assert.True(ack.SessionPresent);
        Assert.Equal(publish.PacketId, (await again.ReceiveAsync<PubRelPacket>()).PacketId);
        await again.SendAsync(new PubCompPacket { PacketId = publish.PacketId });
        await TestExtensions.WaitUntilAsync(() => test.Broker.GetSessionQueueState("sub2")!.Value.Inflight == 0);
    }

    [Fact]
    public async Task Qos2_DuplicatePublishFromClient_RoutedOnce()
    {
        await using var test = TestBroker.Start();
        var subscriber = await test.ConnectAsync("s");
        await subscriber.SubscribeAsync("t", MqttQualityOfService.ExactlyOnce);
        var (pub, _) = await RawClient.ConnectAsync(test.Port, "p", MqttProtocolVersion.V311);
        await using var _p = pub;
        var packet = new PublishPacket { Topic = "t", Payload = "x"u8.ToArray(), QoS = MqttQualityOfService.ExactlyOnce, PacketId = 5 };
        await pub.SendAsync(packet);
        Assert.Equal(5, (await pub.ReceiveAsync<PubRecPacket>()).PacketId);
        packet.Dup = true;
        await pub.SendAsync(packet);
        Assert.Equal(5, (await pub.ReceiveAsync<PubRecPacket>()).PacketId);
        await pub.SendAsync(new PubRelPacket { PacketId = 5 });
        Assert.Equal(5, (await pub.ReceiveAsync<PubCompPacket>()).PacketId);

        Assert.Equal("x", (await subscriber.ReceiveAsync()).Text());
        Assert.Null(await subscriber.TryReceiveAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task OfflineSession_QueuedMessages_DeliveredInOrderOnResume(MqttProtocolVersion version)
    {
        await using var test = TestBroker.Start();
        var subscriber = await test.ConnectAsync("offline", version, o => { o.CleanStart = false; o.SessionExpiryInterval = 600; });
        await subscriber.SubscribeAsync("q/#", MqttQualityOfService.AtLeastOnce);
        await subscriber.DisconnectAsync();
        var publisher = await test.ConnectAsync("pub");
        for (var i = 0; i < 20; i++)
        {
            await publisher.PublishAsync("q/" + i, i.ToString(), MqttQualityOfService.AtLeastOnce);
        }

        await publisher.PublishAsync("q/zero", "qos0-dropped-while-offline", MqttQualityOfService.AtMostOnce);
        var resumed = await test.ConnectAsync("offline", version, o => { o.CleanStart = false; o.SessionExpiryInterval = 600; });
        Assert.True(resumed.LastConnAck!.SessionPresent);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(i.ToString(), (await resumed.ReceiveAsync()).Text());
        }

        Assert.Null(await resumed.TryReceiveAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Client_AutoReconnect_ResendsUnackedPublishAndResubscribes()
    {
        await using var test = TestBroker.Start();
        var subscriber = await test.ConnectAsync("auto", MqttProtocolVersion.V500, o =>
        {
            o.AutoReconnect = true;
            o.ReconnectMinDelay = TimeSpan.FromMilliseconds(50);
        });
        await subscriber.SubscribeAsync("auto/t", MqttQualityOfService.AtLeastOnce);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.Connected = _ => reconnected.TrySetResult();
        Assert.True(test.Broker.DisconnectClient("auto"));
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await TestExtensions.WaitUntilAsync(() => test.Broker.GetStatistics().Subscriptions == 1);

        var publisher = await test.ConnectAsync("pub");
        await publisher.PublishAsync("auto/t", "after reconnect", MqttQualityOfService.AtLeastOnce);
        Assert.Equal("after reconnect", (await subscriber.ReceiveAsync()).Text());
    }
}
