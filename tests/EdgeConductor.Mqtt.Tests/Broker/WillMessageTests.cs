using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

public sealed class WillMessageTests
{
    private static MqttWillMessage Will(uint? delay = null) => new()
    {
        Topic = "status/dev",
        Payload = "offline"u8.ToArray(),
        QoS = MqttQualityOfService.AtLeastOnce,
        Properties = delay is null ? null : new MqttProperties { WillDelayInterval = delay },
    };

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task ConnectionLost_WillPublished(MqttProtocolVersion version)
    {
        await using var test = TestBroker.Start();
        var watcher = await test.ConnectAsync("watcher");
        await watcher.SubscribeAsync("status/#");
        var device = await test.ConnectAsync("dev", version, o => o.Will = Will());
        await device.AbortAsync();
        var will = await watcher.ReceiveAsync();
        Assert.Equal("status/dev", will.Topic);
        Assert.Equal("offline", will.Text());
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task NormalDisconnect_WillDiscarded(MqttProtocolVersion version)
    {
        await using var test = TestBroker.Start();
        var watcher = await test.ConnectAsync("watcher");
        await watcher.SubscribeAsync("status/#");
        var device = await test.ConnectAsync("dev", version, o => o.Will = Will());
        await device.DisconnectAsync();
        Assert.Null(await watcher.TryReceiveAsync(TimeSpan.FromMilliseconds(400)));
    }

    [Fact]
    public async Task DisconnectWithWillMessage_V5_WillPublished()
    {
        await using var test = TestBroker.Start();
        var watcher = await test.ConnectAsync("watcher");
        await watcher.SubscribeAsync("status/#");
        var device = await test.ConnectAsync("dev", MqttProtocolVersion.V500, o => o.Will = Will());
        await device.DisconnectAsync(MqttReasonCode.DisconnectWithWillMessage);
        Assert.Equal("offline", (await watcher.ReceiveAsync()).Text());
    }

    [Fact]
    public async Task WillDelay_V5_PublishedOnlyAfterDelay()
    {
        var time = new FakeTimeProvider();
        await using var test = TestBroker.Start(o => o.TimeProvider = time);
        var watcher = await test.ConnectAsync("watcher");
        await watcher.SubscribeAsync("status/#");
        var device = await test.ConnectAsync("dev", MqttProtocolVersion.V500, o => { o.Will = Will(delay: 5); o.SessionExpiryInterval = 60; o.CleanStart = false; });
        await device.AbortAsync();
        await TestExtensions.WaitUntilAsync(() => test.Broker.ConnectedClientCount == 1);

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Null(await watcher.TryReceiveAsync(TimeSpan.FromMilliseconds(300)));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("offline", (await watcher.ReceiveAsync()).Text());
    }

    [Fact]
    public async Task WillDelay_ReconnectWithinDelay_WillCancelled()
    {
        var time = new FakeTimeProvider();
        await using var test = TestBroker.Start(o => o.TimeProvider = time);
        var watcher = await test.ConnectAsync("watcher");
        await watcher.SubscribeAsync("status/#");
        var device = await test.ConnectAsync("dev", MqttProtocolVersion.V500, o => { o.Will = Will(delay: 5); o.SessionExpiryInterval = 60; o.CleanStart = false; });
        await device.AbortAsync();
        await TestExtensions.WaitUntilAsync(() => test.Broker.ConnectedClientCount == 1);
        time.Advance(TimeSpan.FromSeconds(2));

        var back = await test.ConnectAsync("dev", MqttProtocolVersion.V500, o => { o.SessionExpiryInterval = 60; o.CleanStart = false; });
        Assert.True(back.LastConnAck!.SessionPresent);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(await watcher.TryReceiveAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task WillDelay_SessionExpiresFirst_WillPublishedAtExpiry()
    {
        var time = new FakeTimeProvider();
        await using var test = TestBroker.Start(o => o.TimeProvider = time);
        var watcher = await test.ConnectAsync("watcher");
        await watcher.SubscribeAsync("status/#");
        var device = await test.ConnectAsync("dev", MqttProtocolVersion.V500, o => { o.Will = Will(delay: 100); o.SessionExpiryInterval = 3; });
        await device.AbortAsync();
        await TestExtensions.WaitUntilAsync(() => test.Broker.ConnectedClientCount == 1);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal("offline", (await watcher.ReceiveAsync()).Text());
    }
}
