using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Security;

/// <summary>
/// Routing keeps tenants apart before delivery does: shared subscription groups are scoped to the session owner, and a
/// message a connected subscriber may not read is never queued for it (so it can neither crowd out that subscriber's own
/// messages nor make another tenant's publisher wait for room).
/// </summary>
public sealed class TenantScopedRoutingTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    /// <summary>Owner = principal = user name; a client may read only topics under "{user name}/".</summary>
    private static TestHooks TenantPerUserName(Func<MqttClientInfo, MqttApplicationMessage, ValueTask<bool>>? delivery = null) => new()
    {
        Authenticate = ctx => ValueTask.FromResult(MqttAuthenticationResult.Accept(ctx.UserName ?? "", owner: ctx.UserName ?? "")),
        AuthorizeDelivery = delivery ?? ((client, message) => new(message.Topic.StartsWith((string)client.Principal! + "/", StringComparison.Ordinal))),
    };

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task SameShareName_TwoOwners_AreTwoGroups_EachMemberGetsEveryMessageOfItsTenant(MqttProtocolVersion version)
    {
        await using var test = TestBroker.Start(o => o.Hooks = TenantPerUserName());
        var a = await test.ConnectAsync("worker-a", version, o => o.UserName = "ta");
        var b = await test.ConnectAsync("worker-b", version, o => o.UserName = "tb");
        await a.SubscribeAsync("$share/workers/#", MqttQualityOfService.AtLeastOnce);
        await b.SubscribeAsync("$share/workers/#", MqttQualityOfService.AtLeastOnce);
        var publisher = await test.ConnectAsync("publisher", version, o => o.UserName = "pub");

        // Not interleaved: a shared group's round-robin must not happen to line up with the tenants.
        for (var i = 0; i < 6; i++) await publisher.PublishAsync($"ta/m{i}", "a", MqttQualityOfService.AtLeastOnce);
        for (var i = 0; i < 6; i++) await publisher.PublishAsync($"tb/m{i}", "b", MqttQualityOfService.AtLeastOnce);

        // One group across tenants would round-robin: half of each tenant's messages picked for the other member, then refused.
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal($"ta/m{i}", (await a.ReceiveAsync()).Topic);
            Assert.Equal($"tb/m{i}", (await b.ReceiveAsync()).Topic);
        }

        Assert.Null(await a.TryReceiveAsync(Quiet));
        Assert.Null(await b.TryReceiveAsync(Quiet));
    }

    [Fact]
    public async Task WildcardSubscriber_MessagesItMayNotRead_AreNeverQueued_SoTheyCannotFillItsQueue()
    {
        // The subscriber's output loop is held on a "gate" message whose delivery decision is slow, so everything routed
        // meanwhile stays in its queue (2 messages at most, no waiting): other tenants' messages must not take that room.
        var gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var hooks = TenantPerUserName((client, message) =>
            message.Topic == "ta/gate" ? new ValueTask<bool>(gate.Task)
            : new(message.Topic.StartsWith((string)client.Principal! + "/", StringComparison.Ordinal)));
        await using var test = TestBroker.Start(o =>
        {
            o.Hooks = hooks;
            o.MaxQueuedMessages = 2;
            o.QueueFullWaitTimeout = TimeSpan.Zero;
        });
        var reader = await test.ConnectAsync("reader", configure: o => o.UserName = "ta");
        await reader.SubscribeAsync("#", MqttQualityOfService.AtLeastOnce);
        var publisher = await test.ConnectAsync("publisher", configure: o => o.UserName = "pub");

        await publisher.PublishAsync("ta/gate", "g", MqttQualityOfService.AtLeastOnce);
        for (var i = 0; i < 10; i++) await publisher.PublishAsync($"tb/other{i}", "x", MqttQualityOfService.AtLeastOnce);
        await publisher.PublishAsync("ta/own", "o", MqttQualityOfService.AtLeastOnce);

        var state = test.Broker.GetSessionQueueState(new MqttSessionKey("ta", "reader"));
        Assert.NotNull(state);
        Assert.Equal(0, state.Value.Dropped); // without the routing-time check: 9 of tb's messages and ta/own dropped for want of room

        gate.SetResult(true);
        Assert.Equal("ta/gate", (await reader.ReceiveAsync()).Topic);
        Assert.Equal("ta/own", (await reader.ReceiveAsync()).Topic);
        Assert.Null(await reader.TryReceiveAsync(Quiet));
    }
}
