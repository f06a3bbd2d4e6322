using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

public sealed class MessageExpiryTests
{
    [Fact]
    public async Task QueuedMessage_ExpiredWhileOffline_NotDelivered()
    {
        var time = new FakeTimeProvider();
        await using var test = TestBroker.Start(o => o.TimeProvider = time);
        var sub = await test.ConnectAsync("late", MqttProtocolVersion.V500, o => { o.CleanStart = false; o.SessionExpiryInterval = 3600; });
        await sub.SubscribeAsync("e/#", MqttQualityOfService.AtLeastOnce);
        await sub.DisconnectAsync();
        await TestExtensions.WaitUntilAsync(() => test.Broker.ConnectedClientCount == 0);
        await test.Broker.PublishAsync(new MqttApplicationMessage("e/short", "s"u8.ToArray(), MqttQualityOfService.AtLeastOnce, properties: new MqttProperties { MessageExpiryInterval = 5 }));
        await test.Broker.PublishAsync(new MqttApplicationMessage("e/long", "l"u8.ToArray(), MqttQualityOfService.AtLeastOnce, properties: new MqttProperties { MessageExpiryInterval = 100 }));
        time.Advance(TimeSpan.FromSeconds(10));

        var back = await test.ConnectAsync("late", MqttProtocolVersion.V500, o => { o.CleanStart = false; o.SessionExpiryInterval = 3600; o.ResubscribeOnReconnect = false; });
        var message = await back.ReceiveAsync();
        Assert.Equal("e/long", message.Topic);
        Assert.InRange(message.Properties!.MessageExpiryInterval!.Value, 89u, 90u);
        Assert.Null(await back.TryReceiveAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task RetainedMessage_Expired_NotSentToNewSubscribers()
    {
        var time = new FakeTimeProvider();
        await using var test = TestBroker.Start(o => o.TimeProvider = time);
        await test.Broker.PublishAsync(new MqttApplicationMessage("r/e", "gone"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: true, new MqttProperties { MessageExpiryInterval = 5 }));
        time.Advance(TimeSpan.FromSeconds(6));
        var sub = await test.ConnectAsync("s");
        await sub.SubscribeAsync("r/#");
        Assert.Null(await sub.TryReceiveAsync(TimeSpan.FromMilliseconds(200)));
    }
}
