using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

public sealed class SessionTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Reconnect_PersistentSession_SubscriptionsKept(MqttProtocolVersion version)
    {
        await using var test = TestBroker.Start();
        var first = await test.ConnectAsync("p1", version, o => { o.CleanStart = false; o.SessionExpiryInterval = 600; });
        Assert.False(first.LastConnAck!.SessionPresent);
        await first.SubscribeAsync("keep/me", MqttQualityOfService.AtLeastOnce);
        await first.DisconnectAsync();

        var second = await test.ConnectAsync("p1", version, o => { o.CleanStart = false; o.SessionExpiryInterval = 600; o.ResubscribeOnReconnect = false; });
        Assert.True(second.LastConnAck!.SessionPresent);
        await test.Broker.PublishAsync(new MqttApplicationMessage("keep/me", "x"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        Assert.Equal("x", (await second.ReceiveAsync()).Text());
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Reconnect_CleanStart_SessionDiscarded(MqttProtocolVersion version)
    {
        await using var test = TestBroker.Start();
        var first = await test.ConnectAsync("c1", version, o => { o.CleanStart = false; o.SessionExpiryInterval = 600; });
        await first.SubscribeAsync("gone", MqttQualityOfService.AtLeastOnce);
        await first.DisconnectAsync();

        var second = await test.ConnectAsync("c1", version);
        Assert.False(second.LastConnAck!.SessionPresent);
        Assert.Equal(0, test.Broker.GetStatistics().Subscriptions);
    }

    [Fact]
    public async Task V5_SessionExpiryZero_SessionEndsAtDisconnect()
    {
        await using var test = TestBroker.Start();
        var first = await test.ConnectAsync("e0", MqttProtocolVersion.V500, o => o.CleanStart = false);
        await first.SubscribeAsync("x");
        await first.DisconnectAsync();
        await TestExtensions.WaitUntilAsync(() => test.Broker.GetStatistics().Sessions == 0);
        var second = await test.ConnectAsync("e0", MqttProtocolVersion.V500, o => o.CleanStart = false);
        Assert.False(second.LastConnAck!.SessionPresent);
    }

    [Fact]
    public async Task V5_SessionExpiry_ExpiresAfterInterval()
    {
        var time = new FakeTimeProvider();
        await using var test = TestBroker.Start(o => o.TimeProvider = time);
        var first = await test.ConnectAsync("exp", MqttProtocolVersion.V500, o => { o.CleanStart = false; o.SessionExpiryInterval = 30; });
        await first.SubscribeAsync("x");
        await first.DisconnectAsync();
        await TestExtensions.WaitUntilAsync(() => test.Broker.ConnectedClientCount == 0);
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(1, test.Broker.GetStatistics().Sessions);
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(0, test.Broker.GetStatistics().Sessions);
        Assert.Equal(0, test.Broker.GetStatistics().Subscriptions);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Connect_SameClientId_OldConnectionTakenOver(MqttProtocolVersion version)
    {
        var hooks = new TestHooks();
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        var (old, _) = await RawClient.ConnectAsync(test.Port, "twin", version, cleanStart: false, sessionExpiry: 60);
        await using var _old = old;
        await old.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = [new("twin/t", MqttQualityOfService.AtLeastOnce)] });
        await old.ReceiveAsync<SubAckPacket>();

        var (fresh, ack) = await RawClient.ConnectAsync(test.Port, "twin", version, cleanStart: false, sessionExpiry: 60);
        await using var _fresh = fresh;
        Assert.True(ack.SessionPresent);
        var (closed, last) = await old.WaitForCloseAsync(TimeSpan.FromSeconds(5));
        Assert.True(closed);
        if (version == MqttProtocolVersion.V500)
        {
            Assert.Equal(MqttReasonCode.SessionTakenOver, Assert.IsType<DisconnectPacket>(last).ReasonCode);
        }
        else
        {
            Assert.Null(last);
        }

        await test.Broker.PublishAsync(new MqttApplicationMessage("twin/t", "to-new"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        Assert.Equal("to-new"u8.ToArray(), (await fresh.ReceiveAsync<PublishPacket>()).Payload.ToArray());
        await TestExtensions.WaitUntilAsync(() => hooks.Disconnects.Any(d => d.Reason == MqttDisconnectReason.SessionTakenOver));
        Assert.Equal(1, test.Broker.ConnectedClientCount);
    }

    [Fact]
    public async Task Connect_EmptyClientIdV5_ServerAssignsIdentifier()
    {
        await using var test = TestBroker.Start();
        var client = await test.ConnectAsync("", MqttProtocolVersion.V500);
        var assigned = client.LastConnAck!.Properties!.AssignedClientIdentifier;
        Assert.False(string.IsNullOrEmpty(assigned));
        Assert.Equal(assigned, client.ClientId);
        Assert.Contains(test.Broker.GetConnectedClients(), c => c.ClientId == assigned);
    }

    [Fact]
    public async Task Connect_EmptyClientIdV311PersistentSession_IdentifierRejected()
    {
        await using var test = TestBroker.Start();
        var client = test.CreateClient("", MqttProtocolVersion.V311, o => o.CleanStart = false);
        var ex = await Assert.ThrowsAsync<EdgeConductor.Mqtt.Client.MqttClientException>(() => client.ConnectAsync());
        Assert.Equal(MqttReasonCode.ClientIdentifierNotValid, ex.ReasonCode);
        var ok = await test.ConnectAsync("", MqttProtocolVersion.V311);
        Assert.True(ok.IsConnected);
    }

    [Fact]
    public async Task ConnAck_V5_AnnouncesServerLimits()
    {
        await using var test = TestBroker.Start(o => { o.ServerKeepAlive = 20; o.MaximumPacketSize = 4096; o.ReceiveMaximum = 50; });
        var client = await test.ConnectAsync("limits");
        var p = client.LastConnAck!.Properties!;
        Assert.Equal((ushort)20, p.ServerKeepAlive);
        Assert.Equal(4096u, p.MaximumPacketSize);
        Assert.Equal((ushort)50, p.ReceiveMaximum);
        Assert.Equal((ushort)64, p.TopicAliasMaximum);
    }
}
