using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

public sealed class ResourceLimitTests
{
    [Fact]
    public async Task RetainedStore_LimitReached_NewTopicsRoutedButNotStored()
    {
        await using var test = TestBroker.Start(o => o.MaxRetainedMessages = 3);
        var live = await test.ConnectAsync("live");
        await live.SubscribeAsync("r/#");
        for (var i = 0; i < 5; i++)
        {
            await test.Broker.PublishAsync(new MqttApplicationMessage("r/" + i, "v"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: true));
        }

        for (var i = 0; i < 5; i++)
        {
            await live.ReceiveAsync();
        }

        Assert.Equal(3, test.Broker.GetStatistics().RetainedMessages);
        Assert.Equal(2, test.Broker.GetStatistics().MessagesDropped);
        await test.Broker.PublishAsync(new MqttApplicationMessage("r/0", "updated"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: true));
        Assert.Equal(3, test.Broker.GetStatistics().RetainedMessages);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.UnspecifiedError)]
    [InlineData(MqttProtocolVersion.V500, MqttReasonCode.QuotaExceeded)]
    public async Task Subscriptions_PerClientLimit_SubAckFailure(MqttProtocolVersion version, MqttReasonCode expected)
    {
        await using var test = TestBroker.Start(o => o.MaxSubscriptionsPerClient = 2);
        var client = await test.ConnectAsync("many", version);
        var ack = await client.SubscribeAsync([new("a", MqttQualityOfService.AtMostOnce), new("b", MqttQualityOfService.AtMostOnce), new("c", MqttQualityOfService.AtMostOnce), new("a", MqttQualityOfService.AtLeastOnce)]);
        Assert.Equal([MqttReasonCode.Success, MqttReasonCode.Success, expected, MqttReasonCode.GrantedQoS1], ack.ReasonCodes);
    }

    [Fact]
    public async Task Subscribe_MoreRetainedThanQueueCapacity_AllDeliveredThroughSelfBackPressure()
    {
        await using var test = TestBroker.Start(o => o.MaxQueuedMessages = 20);
        for (var i = 0; i < 500; i++)
        {
            await test.Broker.PublishAsync(new MqttApplicationMessage($"state/{i}", "s"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: true));
        }

        var (raw, _) = await RawClient.ConnectAsync(test.Port, "fresh", MqttProtocolVersion.V500);
        await using var _raw = raw;
        await raw.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = [new("state/+", MqttQualityOfService.AtMostOnce)] });
        Assert.IsType<SubAckPacket>(await raw.ReceiveAsync());
        var topics = new HashSet<string>();
        for (var i = 0; i < 500; i++)
        {
            var p = await raw.ReceiveAsync<PublishPacket>();
            Assert.True(p.Retain);
            topics.Add(p.Topic);
        }

        Assert.Equal(500, topics.Count);
        Assert.Equal(0, test.Broker.GetStatistics().MessagesDropped);
    }
}
