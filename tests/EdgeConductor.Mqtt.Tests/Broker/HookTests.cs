using System.Collections.Concurrent;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

public sealed class HookTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V500, MqttReasonCode.BadUserNameOrPassword, MqttReasonCode.BadUserNameOrPassword)]
    [InlineData(MqttProtocolVersion.V500, MqttReasonCode.NotAuthorized, MqttReasonCode.NotAuthorized)]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.BadUserNameOrPassword, MqttReasonCode.BadUserNameOrPassword)]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.NotAuthorized, MqttReasonCode.NotAuthorized)]
    public async Task Authenticate_Rejected_ConnAckCarriesMappedCode(MqttProtocolVersion version, MqttReasonCode rejectWith, MqttReasonCode expected)
    {
        var hooks = new TestHooks { Authenticate = _ => ValueTask.FromResult(MqttAuthenticationResult.Reject(rejectWith)) };
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        var client = test.CreateClient("intruder", version);
        var ex = await Assert.ThrowsAsync<MqttClientException>(() => client.ConnectAsync());
        Assert.Equal(expected, ex.ReasonCode);
        Assert.Equal(1, test.Broker.GetStatistics().AuthenticationFailures);
    }

    [Fact]
    public async Task Authenticate_V311RejectBytes_AreReturnCodes4And5()
    {
        var reject = MqttReasonCode.BadUserNameOrPassword;
        var hooks = new TestHooks { Authenticate = _ => ValueTask.FromResult(MqttAuthenticationResult.Reject(reject)) };
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        foreach (var (code, expectedByte) in new[] { (MqttReasonCode.BadUserNameOrPassword, (byte)4), (MqttReasonCode.NotAuthorized, (byte)5) })
        {
            reject = code;
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, test.Port);
            await socket.SendAsync(EdgeConductor.Mqtt.Codec.MqttPacketWriter.ToArray(new ConnectPacket { ProtocolVersion = MqttProtocolVersion.V311, ClientId = "x" }, MqttProtocolVersion.V311));
            var buffer = new byte[4];
            var read = 0;
            while (read < 4)
            {
                read += await socket.ReceiveAsync(buffer.AsMemory(read));
            }

            Assert.Equal(new byte[] { 0x20, 0x02, 0x00, expectedByte }, buffer);
        }
    }

    [Fact]
    public async Task Authenticate_Principal_VisibleToLaterHooks()
    {
        var principals = new ConcurrentBag<object?>();
        var hooks = new TestHooks
        {
            Authenticate = ctx => ValueTask.FromResult(MqttAuthenticationResult.Accept("tenant:" + ctx.UserName)),
            Publish = ctx =>
            {
                principals.Add(ctx.Client.Principal);
                return ValueTask.FromResult(MqttPublishResult.Accept);
            },
        };
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        var client = await test.ConnectAsync("p", MqttProtocolVersion.V500, o => o.UserName = "acme");
        await client.PublishAsync("x", "y", MqttQualityOfService.AtLeastOnce);
        Assert.Equal("tenant:acme", Assert.Single(principals));
    }

    [Theory]
    [InlineData(MqttQualityOfService.AtLeastOnce, MqttReasonCode.NotAuthorized)]
    [InlineData(MqttQualityOfService.AtLeastOnce, MqttReasonCode.PayloadFormatInvalid)]
    [InlineData(MqttQualityOfService.ExactlyOnce, MqttReasonCode.QuotaExceeded)]
    public async Task OnPublish_RejectedV5_AckCarriesReasonAndNotRouted(MqttQualityOfService qos, MqttReasonCode code)
    {
        var hooks = new TestHooks { Publish = ctx => ValueTask.FromResult(ctx.Message.Topic == "deny" ? MqttPublishResult.Reject(code, "denied") : MqttPublishResult.Accept) };
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        var subscriber = await test.ConnectAsync("sub");
        await subscriber.SubscribeAsync("#", MqttQualityOfService.ExactlyOnce);
        var publisher = await test.ConnectAsync("pub");
        Assert.Equal(code, await publisher.PublishAsync("deny", "x"u8.ToArray(), qos));
        Assert.Equal(MqttReasonCode.Success, await publisher.PublishAsync("allow", "y"u8.ToArray(), qos));
        Assert.Equal("allow", (await subscriber.ReceiveAsync()).Topic);
        Assert.Null(await subscriber.TryReceiveAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(1, test.Broker.GetStatistics().PublishesRejected);
    }

    [Theory]
    [InlineData(MqttQualityOfService.AtMostOnce)]
    [InlineData(MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttQualityOfService.ExactlyOnce)]
    public async Task OnPublish_RejectedV311_AcknowledgedAndDropped(MqttQualityOfService qos)
    {
        var hooks = new TestHooks { Publish = ctx => ValueTask.FromResult(ctx.Message.Topic == "deny" ? MqttPublishResult.Reject(MqttReasonCode.NotAuthorized) : MqttPublishResult.Accept) };
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        var subscriber = await test.ConnectAsync("sub", MqttProtocolVersion.V311);
        await subscriber.SubscribeAsync("#", MqttQualityOfService.ExactlyOnce);
        var publisher = await test.ConnectAsync("pub", MqttProtocolVersion.V311);
        Assert.Equal(MqttReasonCode.Success, await publisher.PublishAsync("deny", "x"u8.ToArray(), qos));
        Assert.Null(await subscriber.TryReceiveAsync(TimeSpan.FromMilliseconds(300)));
        Assert.True(publisher.IsConnected);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task OnPublish_SlowHook_ReadingContinuesAndPubAcksKeepReceiveOrder(MqttProtocolVersion version)
    {
        const int count = 50;
        var gates = new ConcurrentDictionary<string, TaskCompletionSource<MqttPublishResult>>();
        var invoked = 0;
        var hooks = new TestHooks
        {
            Publish = ctx =>
            {
                var gate = gates.GetOrAdd(ctx.Message.Topic, _ => new TaskCompletionSource<MqttPublishResult>(TaskCreationOptions.RunContinuationsAsynchronously));
                Interlocked.Increment(ref invoked);
                return new ValueTask<MqttPublishResult>(gate.Task);
            },
        };
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "batcher", version);
        await using var _raw = raw;
        for (ushort i = 1; i <= count; i++)
        {
            await raw.SendAsync(new PublishPacket { Topic = "m/" + i, Payload = new byte[] { (byte)i }, QoS = MqttQualityOfService.AtLeastOnce, PacketId = i });
        }

        // All hooks are running concurrently: the connection kept reading while the first was pending.
        await TestExtensions.WaitUntilAsync(() => Volatile.Read(ref invoked) == count, because: "all PUBLISH packets read while hooks pending");

        // Complete in reverse order (like a group commit finishing out of order); acks must still come in receive order.
        for (var i = count; i >= 1; i--)
        {
            gates["m/" + i].SetResult(MqttPublishResult.Accept);
        }

        for (ushort i = 1; i <= count; i++)
        {
            Assert.Equal(i, (await raw.ReceiveAsync<PubAckPacket>()).PacketId);
        }
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task OnPublish_HookFails_ConnectionClosedWithoutAckingThatMessageOrLaterOnes(MqttProtocolVersion version)
    {
        // A hook that throws (say, the host's storage failed) is not a rejection: acknowledging would tell a v3.1.1
        // client its message was stored. The client must be able to redeliver it instead.
        var hooks = new TestHooks
        {
            Publish = async ctx =>
            {
                await Task.Delay(ctx.Message.Topic == "fail" ? 100 : 0);
                return ctx.Message.Topic == "fail" ? throw new IOException("storage unavailable") : MqttPublishResult.Accept;
            },
        };
        await using var test = TestBroker.Start(o => { o.Hooks = hooks; o.OnError = (_, _) => { }; });
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "failing", version);
        await using var _raw = raw;
        await raw.SendAsync(new PublishPacket { Topic = "ok", Payload = new byte[1], QoS = MqttQualityOfService.AtLeastOnce, PacketId = 1 });
        await raw.SendAsync(new PublishPacket { Topic = "fail", Payload = new byte[1], QoS = MqttQualityOfService.AtLeastOnce, PacketId = 2 });
        await raw.SendAsync(new PublishPacket { Topic = "ok", Payload = new byte[1], QoS = MqttQualityOfService.AtLeastOnce, PacketId = 3 });
        Assert.Equal(1, (await raw.ReceiveAsync<PubAckPacket>()).PacketId);
        var (closed, last) = await raw.WaitForCloseAsync(TimeSpan.FromSeconds(5));
        Assert.True(closed);
        Assert.IsNotType<PubAckPacket>(last);
        if (version == MqttProtocolVersion.V500) Assert.Equal(MqttReasonCode.UnspecifiedError, Assert.IsType<DisconnectPacket>(last).ReasonCode);
    }

    [Fact]
    public async Task OnPublish_SlowHook_NoAckBeforeHookCompletes()
    {
        var gate = new TaskCompletionSource<MqttPublishResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var hooks = new TestHooks { Publish = _ => new ValueTask<MqttPublishResult>(gate.Task) };
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "durable", MqttProtocolVersion.V500);
        await using var _raw = raw;
        await raw.SendAsync(new PublishPacket { Topic = "d", Payload = new byte[1], QoS = MqttQualityOfService.AtLeastOnce, PacketId = 9 });
        await raw.SendAsync(PingReqPacket.Instance);
        Assert.IsType<PingRespPacket>(await raw.ReceiveAsync());
        gate.SetResult(MqttPublishResult.Accept);
        Assert.Equal(9, (await raw.ReceiveAsync<PubAckPacket>()).PacketId);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.UnspecifiedError)]
    [InlineData(MqttProtocolVersion.V500, MqttReasonCode.NotAuthorized)]
    public async Task AuthorizeSubscribe_Denied_SubAckFailureCode(MqttProtocolVersion version, MqttReasonCode expected)
    {
        var hooks = new TestHooks
        {
            AuthorizeSubscribe = (_, s) => ValueTask.FromResult(s.Filter.StartsWith("secret", StringComparison.Ordinal)
                ? MqttSubscribeAuthorization.Deny()
                : MqttSubscribeAuthorization.Grant(MqttQualityOfService.AtLeastOnce)),
        };
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        var client = await test.ConnectAsync("s", version);
        var ack = await client.SubscribeAsync([new("secret/#", MqttQualityOfService.ExactlyOnce), new("open/#", MqttQualityOfService.ExactlyOnce)]);
        Assert.Equal([expected, MqttReasonCode.GrantedQoS1], ack.ReasonCodes);
        Assert.Equal(1, test.Broker.GetStatistics().Subscriptions);
    }

    [Fact]
    public async Task OnSubscribed_HostPublishesDesiredState_ClientReceivesItAfterSubAck()
    {
        MqttBroker? broker = null;
        var hooks = new TestHooks
        {
            Subscribed = async (client, sub) =>
            {
                await broker!.PublishAsync(new MqttApplicationMessage($"devices/{client.ClientId}/desired", "{\"led\":true}"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
            },
        };
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        broker = test.Broker;
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "dev-7", MqttProtocolVersion.V500);
        await using var _raw = raw;
        await raw.SendAsync(new SubscribePacket { PacketId = 3, Subscriptions = [new("devices/dev-7/desired", MqttQualityOfService.AtLeastOnce)] });
        Assert.IsType<SubAckPacket>(await raw.ReceiveAsync());
        var desired = await raw.ReceiveAsync<PublishPacket>();
        Assert.Equal("devices/dev-7/desired", desired.Topic);
    }

    [Fact]
    public async Task ConnectAndDisconnectHooks_ReportReasons()
    {
        var hooks = new TestHooks();
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        var a = await test.ConnectAsync("a");
        var b = await test.ConnectAsync("b");
        await a.DisconnectAsync();
        await b.AbortAsync();
        await TestExtensions.WaitUntilAsync(() => hooks.Disconnects.Count == 2);
        Assert.Equal(["a", "b"], hooks.Connects.Order());
        Assert.Contains(("a", MqttDisconnectReason.ClientDisconnected), hooks.Disconnects);
        Assert.Contains(("b", MqttDisconnectReason.ConnectionLost), hooks.Disconnects);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Hook_Throws_PublishNotAcknowledgedClientDisconnectedAndBrokerSurvives(MqttProtocolVersion version)
    {
        var fail = true;
        var hooks = new TestHooks { Publish = _ => Volatile.Read(ref fail) ? throw new InvalidOperationException("db down") : ValueTask.FromResult(MqttPublishResult.Accept) };
        await using var test = TestBroker.Start(o => { o.Hooks = hooks; o.OnError = (_, _) => { }; });
        var client = await test.ConnectAsync("c", version);
        // The pending QoS 1 publish fails because the broker closed the connection (v5: DISCONNECT 0x80), never with a
        // PUBACK (which PublishAsync would return, not throw) nor with some unrelated client-side failure.
        var ex = await Assert.ThrowsAsync<MqttClientException>(() => client.PublishAsync("x", "y"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        Assert.Equal(MqttReasonCode.UnspecifiedError, ex.ReasonCode);
        Assert.Equal("Connection lost.", ex.Message);
        await TestExtensions.WaitUntilAsync(() => !client.IsConnected, because: "the connection is closed instead of acknowledging");
        Volatile.Write(ref fail, false);
        var other = await test.ConnectAsync("other");
        Assert.Equal(MqttReasonCode.Success, await other.PublishAsync("x", "y"u8.ToArray(), MqttQualityOfService.AtLeastOnce));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task OnUnsubscribed_CalledOncePerRemovedFilter_NotForUnknownOnes(MqttProtocolVersion version)
    {
        var hooks = new TestHooks();
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        var client = await test.ConnectAsync("u", version);
        await client.SubscribeAsync("a/#", MqttQualityOfService.AtLeastOnce);
        await client.SubscribeAsync("b/c", MqttQualityOfService.AtLeastOnce);
        await client.UnsubscribeAsync("a/#", "never/subscribed");
        await TestExtensions.WaitUntilAsync(() => { lock (hooks.Unsubscribes) return hooks.Unsubscribes.Count == 1; }, because: "one filter was removed");
        lock (hooks.Unsubscribes) Assert.Equal(("u", "a/#"), hooks.Unsubscribes.Single());
    }
}
