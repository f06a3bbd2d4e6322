using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

public sealed class SubscriptionOptionsTests
{
    [Fact]
    public async Task NoLocal_OwnMessagesNotEchoed()
    {
        await using var test = TestBroker.Start();
        var client = await test.ConnectAsync("echo");
        await client.SubscribeAsync([new MqttTopicSubscription("chat", MqttQualityOfService.AtLeastOnce, NoLocal: true)]);
        var other = await test.ConnectAsync("other");
        await client.PublishAsync("chat", "mine", MqttQualityOfService.AtLeastOnce);
        await other.PublishAsync("chat", "theirs", MqttQualityOfService.AtLeastOnce);
        Assert.Equal("theirs", (await client.ReceiveAsync()).Text());
        Assert.Null(await client.TryReceiveAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task SubscriptionIdentifier_IncludedInDeliveries()
    {
        await using var test = TestBroker.Start();
        var client = await test.ConnectAsync("ids");
        await client.SubscribeAsync([new MqttTopicSubscription("a/+", MqttQualityOfService.AtLeastOnce)], subscriptionId: 7);
        await client.SubscribeAsync([new MqttTopicSubscription("a/b", MqttQualityOfService.ExactlyOnce)], subscriptionId: 9);
        await test.Broker.PublishAsync(new MqttApplicationMessage("a/b", "x"u8.ToArray(), MqttQualityOfService.ExactlyOnce));
        var message = await client.ReceiveAsync();
        Assert.Equal(MqttQualityOfService.ExactlyOnce, message.QoS);
        Assert.Equal([7u, 9u], message.Properties!.SubscriptionIdentifiers!.Order());
        Assert.Null(await client.TryReceiveAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task QoS_DowngradedToSubscriptionQoS()
    {
        await using var test = TestBroker.Start();
        var client = await test.ConnectAsync("low");
        await client.SubscribeAsync("d", MqttQualityOfService.AtMostOnce);
        var pub = await test.ConnectAsync("pub");
        await pub.PublishAsync("d", "x", MqttQualityOfService.ExactlyOnce);
        Assert.Equal(MqttQualityOfService.AtMostOnce, (await client.ReceiveAsync()).QoS);
    }

    [Fact]
    public async Task TopicAlias_Inbound_ResolvedForSubscribers()
    {
        await using var test = TestBroker.Start();
        var subscriber = await test.ConnectAsync("sub");
        await subscriber.SubscribeAsync("long/topic/name", MqttQualityOfService.AtLeastOnce);
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "aliaser", MqttProtocolVersion.V500);
        await using var _raw = raw;
        await raw.SendAsync(new PublishPacket { Topic = "long/topic/name", Payload = "1"u8.ToArray(), Properties = new MqttProperties { TopicAlias = 1 } });
        await raw.SendAsync(new PublishPacket { Topic = "", Payload = "2"u8.ToArray(), Properties = new MqttProperties { TopicAlias = 1 } });
        var first = await subscriber.ReceiveAsync();
        var second = await subscriber.ReceiveAsync();
        Assert.Equal(("long/topic/name", "1"), (first.Topic, first.Text()));
        Assert.Equal(("long/topic/name", "2"), (second.Topic, second.Text()));
        Assert.Null(second.Properties?.TopicAlias);
    }

    [Fact]
    public async Task UserPropertiesAndContentType_ForwardedToV5Subscribers()
    {
        await using var test = TestBroker.Start();
        var subscriber = await test.ConnectAsync("sub");
        await subscriber.SubscribeAsync("p", MqttQualityOfService.AtLeastOnce);
        var publisher = await test.ConnectAsync("pub");
        await publisher.PublishAsync("p", "{}"u8.ToArray(), MqttQualityOfService.AtLeastOnce, properties: new MqttProperties
        {
            ContentType = "application/json",
            ResponseTopic = "p/reply",
            CorrelationData = new byte[] { 1 },
            UserProperties = [new("tenant", "acme")],
        });
        var message = await subscriber.ReceiveAsync();
        Assert.Equal("application/json", message.Properties!.ContentType);
        Assert.Equal("p/reply", message.Properties.ResponseTopic);
        Assert.Equal(new MqttUserProperty("tenant", "acme"), Assert.Single(message.Properties.UserProperties!));
    }

    [Fact]
    public async Task MaximumPacketSize_Client_OversizedMessagesNotSent()
    {
        await using var test = TestBroker.Start();
        var subscriber = await test.ConnectAsync("small", MqttProtocolVersion.V500, o => o.MaximumPacketSize = 200);
        await subscriber.SubscribeAsync("s", MqttQualityOfService.AtLeastOnce);
        var publisher = await test.ConnectAsync("pub");
        await publisher.PublishAsync("s", new byte[500], MqttQualityOfService.AtLeastOnce);
        await publisher.PublishAsync("s", new byte[10], MqttQualityOfService.AtLeastOnce);
        Assert.Equal(10, (await subscriber.ReceiveAsync()).Payload.Length);
        Assert.True(test.Broker.GetStatistics().MessagesDropped >= 1);
    }
}
