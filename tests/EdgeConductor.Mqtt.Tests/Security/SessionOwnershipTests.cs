using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Security;

/// <summary>
/// Issue 8, item 1 at the broker level: sessions are keyed by (owner, client id). The test hooks name the owner after
/// the user name, as the server names it after the device or API key.
/// </summary>
public sealed class SessionOwnershipTests
{
    /// <summary>How long a negative check waits after the control message proved the subscriber works.</summary>
    private static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(500);

    private static TestHooks OwnerIsUserName() => new()
    {
        Authenticate = ctx => ValueTask.FromResult(MqttAuthenticationResult.Accept(ctx.UserName, owner: ctx.UserName)),
    };

    private static Action<MqttClientOptions> As(string owner, bool persistent = true) => o =>
    {
        o.UserName = owner;
        o.CleanStart = !persistent;
        o.SessionExpiryInterval = persistent ? 600u : 0u;
        o.ResubscribeOnReconnect = false;
    };

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task OtherOwnerWithSameClientId_GetsFreshSession_AndNeverTheOwnersQueuedMessages(MqttProtocolVersion version)
    {
        await using var test = TestBroker.Start(o => o.Hooks = OwnerIsUserName());
        var victim = await test.ConnectAsync("victim", version, As("org-b"));
        await victim.SubscribeAsync("devices/b/#", MqttQualityOfService.AtLeastOnce);
        await victim.DisconnectAsync();
        await TestExtensions.WaitUntilAsync(() => test.Broker.ConnectedClientCount == 0);
        await test.Broker.PublishAsync(new MqttApplicationMessage("devices/b/shadow/desired", """{"door_code":"4711"}"""u8.ToArray(), MqttQualityOfService.AtLeastOnce));

        var attacker = await test.ConnectAsync("victim", version, As("org-a"));
        Assert.False(attacker.LastConnAck!.SessionPresent);
        await attacker.SubscribeAsync("control/a", MqttQualityOfService.AtLeastOnce);
        await test.Broker.PublishAsync(new MqttApplicationMessage("control/a", "ping"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        Assert.Equal("control/a", (await attacker.ReceiveAsync()).Topic);
        Assert.Null(await attacker.TryReceiveAsync(QuietWindow));

        Assert.Equal(1, test.Broker.GetSessionQueueState(new MqttSessionKey("org-b", "victim"))!.Value.Queued);
        await attacker.DisconnectAsync();
        var back = await test.ConnectAsync("victim", version, As("org-b"));
        Assert.True(back.LastConnAck!.SessionPresent);
        var delivered = await back.ReceiveAsync();
        Assert.Equal("devices/b/shadow/desired", delivered.Topic);
        Assert.Contains("4711", delivered.Text());
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task TwoOwnersWithOneClientId_BothOnlineAtOnce_EachReceivesOnlyItsOwnMessages(MqttProtocolVersion version)
    {
        var hooks = OwnerIsUserName();
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        MqttReasonCode? firstDisconnect = null;
        var first = await test.ConnectAsync("product-line-7", version, o => { As("org-a", persistent: false)(o); });
        first.Disconnected = (code, _) => firstDisconnect = code ?? MqttReasonCode.UnspecifiedError;
        var second = await test.ConnectAsync("product-line-7", version, As("org-b", persistent: false));
        Assert.False(second.LastConnAck!.SessionPresent);

        // The first connection is still there: a round trip on it succeeds after the second one connected.
        await first.SubscribeAsync("org-a/out", MqttQualityOfService.AtLeastOnce);
        await second.SubscribeAsync("org-b/out", MqttQualityOfService.AtLeastOnce);
        Assert.True(first.IsConnected);
        Assert.Null(firstDisconnect);
        Assert.Equal(2, test.Broker.ConnectedClientCount);
        Assert.DoesNotContain(hooks.Disconnects, d => d.Reason == MqttDisconnectReason.SessionTakenOver);

        await test.Broker.PublishAsync(new MqttApplicationMessage("org-a/out", "for-a"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        await test.Broker.PublishAsync(new MqttApplicationMessage("org-b/out", "for-b"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        Assert.Equal("for-a", (await first.ReceiveAsync()).Text());
        Assert.Equal("for-b", (await second.ReceiveAsync()).Text());
        Assert.Null(await first.TryReceiveAsync(QuietWindow));
        Assert.Null(await second.TryReceiveAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task SameOwnerAndClientId_TakesTheSessionOver_OldConnectionGets0x8E()
    {
        await using var test = TestBroker.Start(o => o.Hooks = OwnerIsUserName());
        var (old, _) = await RawClient.ConnectAsync(test.Port, "twin", MqttProtocolVersion.V500, cleanStart: false, sessionExpiry: 60, configure: c => c.UserName = "org-a");
        await using var _old = old;
        await old.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = [new("twin/t", MqttQualityOfService.AtLeastOnce)] });
        await old.ReceiveAsync<SubAckPacket>();

        var (fresh, ack) = await RawClient.ConnectAsync(test.Port, "twin", MqttProtocolVersion.V500, cleanStart: false, sessionExpiry: 60, configure: c => c.UserName = "org-a");
        await using var _fresh = fresh;
        Assert.True(ack.SessionPresent);
        var (closed, last) = await old.WaitForCloseAsync(TimeSpan.FromSeconds(5));
        Assert.True(closed);
        Assert.Equal(MqttReasonCode.SessionTakenOver, Assert.IsType<DisconnectPacket>(last).ReasonCode);
    }

    [Fact]
    public async Task DisconnectClient_BySessionKey_LeavesTheOtherOwnersConnectionWithTheSameClientId()
    {
        await using var test = TestBroker.Start(o => o.Hooks = OwnerIsUserName());
        var a = await test.ConnectAsync("shared-id", MqttProtocolVersion.V500, As("org-a", persistent: false));
        var b = await test.ConnectAsync("shared-id", MqttProtocolVersion.V500, As("org-b", persistent: false));
        Assert.True(test.Broker.DisconnectClient(new MqttSessionKey("org-a", "shared-id")));
        await TestExtensions.WaitUntilAsync(() => !a.IsConnected);
        await b.SubscribeAsync("still/here");
        Assert.True(b.IsConnected);
        Assert.Equal(1, test.Broker.ConnectedClientCount);
        Assert.False(test.Broker.DisconnectClient("shared-id"));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task ResumedSession_StoredFilterNoLongerGranted_IsRemovedBeforeAnyQueuedMessageIsDelivered(MqttProtocolVersion version)
    {
        var revoked = false;
        var checks = 0;
        var hooks = OwnerIsUserName();
        hooks.AuthorizeSubscribe = (_, s) =>
        {
            Interlocked.Increment(ref checks);
            return ValueTask.FromResult(revoked && s.Filter.StartsWith("moved/", StringComparison.Ordinal)
                ? MqttSubscribeAuthorization.Deny(MqttReasonCode.NotAuthorized)
                : MqttSubscribeAuthorization.Grant(s.QoS));
        };
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        var client = await test.ConnectAsync("svc", version, As("key-1"));
        await client.SubscribeAsync("moved/dev-1/#", MqttQualityOfService.AtLeastOnce);
        await client.SubscribeAsync("kept/dev-2/#", MqttQualityOfService.AtLeastOnce);
        await client.DisconnectAsync();
        await TestExtensions.WaitUntilAsync(() => test.Broker.ConnectedClientCount == 0);
        await test.Broker.PublishAsync(new MqttApplicationMessage("moved/dev-1/commands", "secret"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        await test.Broker.PublishAsync(new MqttApplicationMessage("kept/dev-2/commands", "mine"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        Assert.Equal(2, test.Broker.GetSessionQueueState(new MqttSessionKey("key-1", "svc"))!.Value.Queued);

        revoked = true;
        var checksBefore = Volatile.Read(ref checks);
        var back = await test.ConnectAsync("svc", version, As("key-1"));
        Assert.True(back.LastConnAck!.SessionPresent);
        Assert.Equal(2, Volatile.Read(ref checks) - checksBefore);

        // The kept filter's queued message arrives (the control), the withdrawn filter's never does.
        Assert.Equal("mine", (await back.ReceiveAsync()).Text());
        Assert.Null(await back.TryReceiveAsync(QuietWindow));
        Assert.Equal(1, test.Broker.GetStatistics().Subscriptions);
        await test.Broker.PublishAsync(new MqttApplicationMessage("moved/dev-1/commands", "later"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        await test.Broker.PublishAsync(new MqttApplicationMessage("kept/dev-2/commands", "control"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        Assert.Equal("control", (await back.ReceiveAsync()).Text());
        Assert.Null(await back.TryReceiveAsync(QuietWindow));
    }
}
