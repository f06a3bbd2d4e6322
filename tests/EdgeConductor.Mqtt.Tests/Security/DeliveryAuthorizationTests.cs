using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Security;

/// <summary>
/// The broker's delivery-time authorization hook (<see cref="IMqttBrokerHooks.AuthorizeDeliveryAsync"/>): every message
/// written to a subscriber — routed live, queued while offline, retained at subscribe — is checked against the
/// receiver's rights at that moment; and <see cref="MqttBroker.DisconnectClients"/> closes sessions by predicate.
/// </summary>
public sealed class DeliveryAuthorizationTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    private static TestHooks DenySecretsTo(string clientId) => new()
    {
        AuthorizeDelivery = (client, message) => new(client.ClientId != clientId || !message.Topic.Contains("secret", StringComparison.Ordinal)),
    };

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task DeniedDelivery_IsDroppedForThatSubscriberOnly_AndLaterMessagesStillArrive(MqttProtocolVersion version)
    {
        await using var test = TestBroker.Start(o => o.Hooks = DenySecretsTo("reader"));
        var reader = await test.ConnectAsync("reader", version);
        var other = await test.ConnectAsync("other", version);
        await reader.SubscribeAsync("#", MqttQualityOfService.AtLeastOnce);
        await other.SubscribeAsync("#", MqttQualityOfService.AtLeastOnce);
        var publisher = await test.ConnectAsync("publisher", version);

        await publisher.PublishAsync("a/secret", "s", MqttQualityOfService.AtLeastOnce);
        await publisher.PublishAsync("a/open", "o", MqttQualityOfService.AtLeastOnce);

        Assert.Equal("a/secret", (await other.ReceiveAsync()).Topic);
        Assert.Equal("a/open", (await reader.ReceiveAsync()).Topic); // in order: the secret one was dropped, not delayed
        Assert.Null(await reader.TryReceiveAsync(Quiet));
    }

    [Fact]
    public async Task AsynchronousDecisions_KeepTheOrderOfMessages()
    {
        var hooks = new TestHooks
        {
            AuthorizeDelivery = async (_, message) =>
            {
                await Task.Yield(); // the slow path: the output loop has to await it
                return int.Parse(message.Topic.AsSpan(2)) % 2 == 0;
            },
        };
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        var reader = await test.ConnectAsync("reader");
        await reader.SubscribeAsync("n/+", MqttQualityOfService.AtLeastOnce);
        var publisher = await test.ConnectAsync("publisher");
        for (var i = 0; i < 10; i++) await publisher.PublishAsync($"n/{i}", "x", MqttQualityOfService.AtLeastOnce);

        var got = new List<string>();
        for (var i = 0; i < 5; i++) got.Add((await reader.ReceiveAsync()).Topic);
        Assert.Equal(["n/0", "n/2", "n/4", "n/6", "n/8"], got);
        Assert.Null(await reader.TryReceiveAsync(Quiet));
    }

    [Fact]
    public async Task RetainedAndOfflineQueuedMessages_GoThroughTheSameCheck()
    {
        await using var test = TestBroker.Start(o => o.Hooks = DenySecretsTo("reader"));
        var publisher = await test.ConnectAsync("publisher");
        await publisher.PublishAsync("r/secret", "s", MqttQualityOfService.AtLeastOnce, retain: true);
        await publisher.PublishAsync("r/open", "o", MqttQualityOfService.AtLeastOnce, retain: true);

        var reader = await test.ConnectAsync("reader", configure: o => { o.CleanStart = false; o.SessionExpiryInterval = 300; });
        await reader.SubscribeAsync("r/#", MqttQualityOfService.AtLeastOnce);
        Assert.Equal("r/open", (await reader.ReceiveAsync()).Topic);
        Assert.Null(await reader.TryReceiveAsync(Quiet));
        await reader.DisconnectAsync();

        await publisher.PublishAsync("r/secret", "s2", MqttQualityOfService.AtLeastOnce);
        await publisher.PublishAsync("r/open", "o2", MqttQualityOfService.AtLeastOnce);
        var again = await test.ConnectAsync("reader", configure: o => { o.CleanStart = false; o.SessionExpiryInterval = 300; });
        var m = await again.ReceiveAsync();
        Assert.Equal(("r/open", "o2"), (m.Topic, m.Text()));
        Assert.Null(await again.TryReceiveAsync(Quiet));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500, MqttReasonCode.AdministrativeAction)]
    [InlineData(MqttProtocolVersion.V311, null)]
    public async Task DisconnectClients_ClosesOnlyMatchingClients_V5WithTheReasonCode(MqttProtocolVersion version, MqttReasonCode? expected)
    {
        var hooks = new TestHooks { Authenticate = ctx => ValueTask.FromResult(MqttAuthenticationResult.Accept("key:" + ctx.UserName)) };
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        var closed = new TaskCompletionSource<MqttReasonCode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var revoked = await test.ConnectAsync("revoked", version, o => o.UserName = "k1");
        revoked.Disconnected = (reason, _) => closed.TrySetResult(reason);
        var kept = await test.ConnectAsync("kept", version, o => o.UserName = "k2");

        Assert.Equal(1, test.Broker.DisconnectClients(c => Equals(c.Principal, "key:k1")));

        Assert.Equal(expected, await closed.Task.WaitAsync(TestExtensions.DefaultTimeout));
        Assert.True(kept.IsConnected);
        await kept.SubscribeAsync("still/here", MqttQualityOfService.AtLeastOnce); // answered: the other session is untouched
    }
}
