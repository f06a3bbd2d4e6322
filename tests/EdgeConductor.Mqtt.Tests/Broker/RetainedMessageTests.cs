using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

public sealed class RetainedMessageTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Subscribe_AfterRetainedPublish_ReceivesItWithRetainFlag(MqttProtocolVersion version)
    {
        await using var test = TestBroker.Start();
        var publisher = await test.ConnectAsync("pub", version);
        await publisher.PublishAsync("dev/1/state", "on", MqttQualityOfService.AtLeastOnce, retain: true);
        await publisher.PublishAsync("dev/2/state", "off", MqttQualityOfService.AtLeastOnce, retain: true);

        var subscriber = await test.ConnectAsync("sub", version);
        await subscriber.SubscribeAsync("dev/+/state", MqttQualityOfService.AtLeastOnce);
        var received = new[] { await subscriber.ReceiveAsync(), await subscriber.ReceiveAsync() };
        Assert.All(received, m => Assert.True(m.Retain));
        Assert.Equal(["dev/1/state", "dev/2/state"], received.Select(m => m.Topic).Order());
    }

    [Fact]
    public async Task Publish_EmptyRetained_DeletesRetainedMessage()
    {
        await using var test = TestBroker.Start();
        var publisher = await test.ConnectAsync("pub");
        await publisher.PublishAsync("r/x", "v", MqttQualityOfService.AtLeastOnce, retain: true);
        Assert.Equal(1, test.Broker.GetStatistics().RetainedMessages);
        await publisher.PublishAsync("r/x", ReadOnlyMemory<byte>.Empty, MqttQualityOfService.AtLeastOnce, retain: true);
        Assert.Equal(0, test.Broker.GetStatistics().RetainedMessages);

        var subscriber = await test.ConnectAsync("sub");
        await subscriber.SubscribeAsync("r/#");
        Assert.Null(await subscriber.TryReceiveAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Deliver_LiveMessage_RetainFlagClearedUnlessRetainAsPublished()
    {
        await using var test = TestBroker.Start();
        var plain = await test.ConnectAsync("plain");
        await plain.SubscribeAsync("r/live", MqttQualityOfService.AtLeastOnce);
        var rap = await test.ConnectAsync("rap");
        await rap.SubscribeAsync([new MqttTopicSubscription("r/live", MqttQualityOfService.AtLeastOnce, RetainAsPublished: true)]);
        var publisher = await test.ConnectAsync("pub");
        await publisher.PublishAsync("r/live", "v", MqttQualityOfService.AtLeastOnce, retain: true);

        Assert.False((await plain.ReceiveAsync()).Retain);
        Assert.True((await rap.ReceiveAsync()).Retain);
    }

    [Fact]
    public async Task Subscribe_RetainHandlingOptions_AreHonoured()
    {
        await using var test = TestBroker.Start();
        await test.Broker.PublishAsync(new MqttApplicationMessage("rh/t", "v"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: true));
        var never = await test.ConnectAsync("never");
        await never.SubscribeAsync([new MqttTopicSubscription("rh/t", MqttQualityOfService.AtLeastOnce, RetainHandling: MqttRetainHandling.DoNotSend)]);
        Assert.Null(await never.TryReceiveAsync(TimeSpan.FromMilliseconds(200)));

        var ifNew = await test.ConnectAsync("ifnew");
        await ifNew.SubscribeAsync([new MqttTopicSubscription("rh/t", MqttQualityOfService.AtLeastOnce, RetainHandling: MqttRetainHandling.SendAtSubscribeIfNew)]);
        Assert.True((await ifNew.ReceiveAsync()).Retain);
        await ifNew.SubscribeAsync([new MqttTopicSubscription("rh/t", MqttQualityOfService.AtLeastOnce, RetainHandling: MqttRetainHandling.SendAtSubscribeIfNew)]);
        Assert.Null(await ifNew.TryReceiveAsync(TimeSpan.FromMilliseconds(200)));

        var always = await test.ConnectAsync("always");
        await always.SubscribeAsync("rh/t");
        await always.ReceiveAsync();
        await always.SubscribeAsync("rh/t");
        Assert.True((await always.ReceiveAsync()).Retain);
    }

    [Fact]
    public async Task Subscribe_SharedSubscription_GetsNoRetainedMessages()
    {
        await using var test = TestBroker.Start();
        await test.Broker.PublishAsync(new MqttApplicationMessage("sh/t", "v"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: true));
        var member = await test.ConnectAsync("m");
        await member.SubscribeAsync("$share/g/sh/t");
        Assert.Null(await member.TryReceiveAsync(TimeSpan.FromMilliseconds(200)));
    }
}
