using System.Text;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Security;

/// <summary>
/// Issue 8, "Broker memory per credential": sessions per owner, subscriptions per session, filter length, and the expiry
/// of persistent sessions, with their reason codes in both protocol versions.
/// </summary>
public sealed class BrokerMemoryLimitTests
{
    private static TestHooks OwnerIsUserName() => new()
    {
        Authenticate = ctx => ValueTask.FromResult(MqttAuthenticationResult.Accept(ctx.UserName, owner: ctx.UserName)),
    };

    private static Action<MqttClientOptions> As(string owner) => o =>
    {
        o.UserName = owner;
        o.CleanStart = false;
        o.SessionExpiryInterval = 600;
        o.ResubscribeOnReconnect = false;
    };

    [Fact]
    public async Task SessionsPerOwner_AtTheCap_NewSessionEvictsTheOwnersLongestOfflineSession()
    {
        await using var test = TestBroker.Start(o => { o.Hooks = OwnerIsUserName(); o.MaxSessionsPerOwner = 2; });
        foreach (var id in new[] { "s1", "s2" })
        {
            var c = await test.ConnectAsync(id, MqttProtocolVersion.V500, As("dev-1"));
            await c.SubscribeAsync($"{id}/x");
            await c.DisconnectAsync();
            await TestExtensions.WaitUntilAsync(() => test.Broker.ConnectedClientCount == 0);
        }

        var other = await test.ConnectAsync("s1", MqttProtocolVersion.V500, As("dev-2"));
        Assert.Equal(2, test.Broker.GetSessionCount("dev-1"));

        var third = await test.ConnectAsync("s3", MqttProtocolVersion.V500, As("dev-1"));
        Assert.Equal(MqttReasonCode.Success, third.LastConnAck!.ReasonCode);
        Assert.Equal(2, test.Broker.GetSessionCount("dev-1"));
        Assert.Null(test.Broker.GetSessionQueueState(new MqttSessionKey("dev-1", "s1")));
        Assert.NotNull(test.Broker.GetSessionQueueState(new MqttSessionKey("dev-1", "s2")));
        Assert.True(other.IsConnected);
        Assert.NotNull(test.Broker.GetSessionQueueState(new MqttSessionKey("dev-2", "s1")));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.ServerUnavailable)]
    [InlineData(MqttProtocolVersion.V500, MqttReasonCode.QuotaExceeded)]
    public async Task SessionsPerOwner_AllOnline_NewSessionRefusedWithQuotaExceeded(MqttProtocolVersion version, MqttReasonCode expected)
    {
        await using var test = TestBroker.Start(o => { o.Hooks = OwnerIsUserName(); o.MaxSessionsPerOwner = 2; });
        await test.ConnectAsync("on-1", version, As("dev-1"));
        await test.ConnectAsync("on-2", version, As("dev-1"));

        var refused = test.CreateClient("on-3", version, As("dev-1"));
        var ex = await Assert.ThrowsAsync<MqttClientException>(() => refused.ConnectAsync());
        Assert.Equal(expected, ex.ReasonCode);
        Assert.Equal(2, test.Broker.GetSessionCount("dev-1"));

        // Taking over an existing session is not a new one, and other owners are not affected.
        var again = await test.ConnectAsync("on-2", version, As("dev-1"));
        Assert.True(again.LastConnAck!.SessionPresent);
        await test.ConnectAsync("on-3", version, As("dev-2"));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.UnspecifiedError)]
    [InlineData(MqttProtocolVersion.V500, MqttReasonCode.QuotaExceeded)]
    public async Task SubscriptionsPerSession_BeyondTheCap_RefusedWithQuotaExceeded(MqttProtocolVersion version, MqttReasonCode expected)
    {
        await using var test = TestBroker.Start(o => o.MaxSubscriptionsPerClient = 3);
        var client = await test.ConnectAsync("many", version);
        var ack = await client.SubscribeAsync([new("f/1", MqttQualityOfService.AtLeastOnce), new("f/2", MqttQualityOfService.AtLeastOnce), new("f/3", MqttQualityOfService.AtLeastOnce), new("f/4", MqttQualityOfService.AtLeastOnce)]);
        Assert.Equal([MqttReasonCode.GrantedQoS1, MqttReasonCode.GrantedQoS1, MqttReasonCode.GrantedQoS1, expected], ack.ReasonCodes);
        Assert.Equal(3, test.Broker.GetStatistics().Subscriptions);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.UnspecifiedError)]
    [InlineData(MqttProtocolVersion.V500, MqttReasonCode.TopicFilterInvalid)]
    public async Task TopicFilterLongerThanTheCap_RefusedAndNeverStored(MqttProtocolVersion version, MqttReasonCode expected)
    {
        var asked = new List<string>();
        var hooks = new TestHooks
        {
            AuthorizeSubscribe = (_, s) =>
            {
                lock (asked) asked.Add(s.Filter);
                return ValueTask.FromResult(MqttSubscribeAuthorization.Grant(s.QoS));
            },
        };
        await using var test = TestBroker.Start(o => { o.Hooks = hooks; o.MaxTopicFilterLength = 32; });
        var client = await test.ConnectAsync("long", version);
        var exact = "a/" + new string('x', 30);              // 32 bytes
        var over = "a/" + new string('x', 29) + "é";         // 32 characters, but 33 bytes in UTF-8
        Assert.Equal(32, Encoding.UTF8.GetByteCount(exact));
        Assert.Equal(33, Encoding.UTF8.GetByteCount(over));
        var ack = await client.SubscribeAsync([new(exact, MqttQualityOfService.AtLeastOnce), new(over, MqttQualityOfService.AtLeastOnce)]);
        Assert.Equal([MqttReasonCode.GrantedQoS1, expected], ack.ReasonCodes);
        Assert.Equal(1, test.Broker.GetStatistics().Subscriptions);
        Assert.Equal([exact], asked);
    }

    [Fact]
    public async Task V311PersistentSession_ExpiresTheConfiguredTimeAfterItsDisconnect()
    {
        var time = new FakeTimeProvider();
        await using var test = TestBroker.Start(o => { o.TimeProvider = time; o.PersistentSessionExpiryV311 = TimeSpan.FromMinutes(30); });
        var client = await test.ConnectAsync("old-firmware", MqttProtocolVersion.V311, o => { o.CleanStart = false; o.ResubscribeOnReconnect = false; });
        await client.SubscribeAsync("fw/x", MqttQualityOfService.AtLeastOnce);
        await client.DisconnectAsync();
        await TestExtensions.WaitUntilAsync(() => test.Broker.ConnectedClientCount == 0);

        time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(1, test.Broker.GetStatistics().Sessions);
        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(0, test.Broker.GetStatistics().Sessions);
        Assert.Equal(0, test.Broker.GetStatistics().Subscriptions);
        var back = await test.ConnectAsync("old-firmware", MqttProtocolVersion.V311, o => o.CleanStart = false);
        Assert.False(back.LastConnAck!.SessionPresent);
    }

    [Fact]
    public async Task V5SessionExpiryAboveTheMaximum_IsLoweredAndSentBackInConnAck()
    {
        await using var test = TestBroker.Start(o => o.MaximumSessionExpiryInterval = 3600);
        var client = await test.ConnectAsync("forever", MqttProtocolVersion.V500, o => { o.CleanStart = false; o.SessionExpiryInterval = uint.MaxValue; });
        Assert.Equal(3600u, client.LastConnAck!.Properties!.SessionExpiryInterval);
    }
}
