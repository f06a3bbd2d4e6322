using System.Text;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EdgeConductor.Mqtt.Tests.Broker;

/// <summary>Server → client topic aliases (MQTT 5.0 §3.3.2.3.4) when the client's CONNECT has Topic Alias Maximum &gt; 0.</summary>
public sealed class OutboundTopicAliasTests(ITestOutputHelper output)
{
    private const string Desired = "devices/SN-00012345/shadow/desired";
    private const string Commands = "devices/SN-00012345/commands";

    /// <summary>A realistic exchange to one device: 5 desired-state patches and 5 commands, interleaved.</summary>
    private static IEnumerable<(string Topic, string Payload)> Exchange()
    {
        for (var i = 0; i < 5; i++)
        {
            yield return (Desired, $"{{\"version\":{i + 2},\"state\":{{\"interval_s\":{30 + i},\"led\":\"on\"}}}}");
            yield return (Commands, $"{{\"id\":\"cmd_{i:D4}\",\"name\":\"reboot\",\"args\":{{\"delay_s\":{i}}}}}");
        }
    }

    [Fact]
    public async Task ClientAnnouncesMaximum_FirstMessageCarriesTopic_LaterOnlyAlias()
    {
        await using var test = TestBroker.Start();
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "dev", MqttProtocolVersion.V500, configure: c => c.Properties = new MqttProperties { TopicAliasMaximum = 10 });
        await using var _raw = raw;
        await raw.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = [new MqttTopicSubscription("devices/#", MqttQualityOfService.AtMostOnce)] });
        await raw.ReceiveAsync<SubAckPacket>();
        var server = await test.ConnectAsync("server");
        foreach (var (topic, payload) in Exchange())
        {
            await server.PublishAsync(topic, payload, MqttQualityOfService.AtLeastOnce);
        }

        var seen = new List<PublishPacket>();
        for (var i = 0; i < 10; i++)
        {
            seen.Add(await raw.ReceiveAsync<PublishPacket>());
        }

        Assert.Equal(Desired, seen[0].Topic);
        Assert.Equal(Commands, seen[1].Topic);
        var desiredAlias = seen[0].Properties!.TopicAlias!.Value;
        var commandsAlias = seen[1].Properties!.TopicAlias!.Value;
        Assert.NotEqual(desiredAlias, commandsAlias);
        for (var i = 2; i < 10; i++)
        {
            Assert.Equal("", seen[i].Topic);
            Assert.Equal(i % 2 == 0 ? desiredAlias : commandsAlias, seen[i].Properties!.TopicAlias);
        }
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500, (ushort)0)]
    [InlineData(MqttProtocolVersion.V500, null)]
    [InlineData(MqttProtocolVersion.V311, null)]
    public async Task ClientAnnouncesZeroOrNothing_NoAliasEver(MqttProtocolVersion version, ushort? maximum)
    {
        await using var test = TestBroker.Start();
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "dev", version, configure: c =>
        {
            if (version == MqttProtocolVersion.V500)
            {
                c.Properties = new MqttProperties { TopicAliasMaximum = maximum };
            }
        });
        await using var _raw = raw;
        await raw.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = [new MqttTopicSubscription("devices/#", MqttQualityOfService.AtMostOnce)] });
        await raw.ReceiveAsync<SubAckPacket>();
        var server = await test.ConnectAsync("server");
        foreach (var (topic, payload) in Exchange())
        {
            await server.PublishAsync(topic, payload, MqttQualityOfService.AtLeastOnce);
        }

        for (var i = 0; i < 10; i++)
        {
            var publish = await raw.ReceiveAsync<PublishPacket>();
            Assert.Equal(i % 2 == 0 ? Desired : Commands, publish.Topic);
            Assert.Null(publish.Properties?.TopicAlias);
        }
    }

    [Fact]
    public async Task MoreTopicsThanAliases_LeastRecentlyUsedGivesUpItsAlias()
    {
        await using var test = TestBroker.Start();
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "dev", MqttProtocolVersion.V500, configure: c => c.Properties = new MqttProperties { TopicAliasMaximum = 2 });
        await using var _raw = raw;
        await raw.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = [new MqttTopicSubscription("t/#", MqttQualityOfService.AtMostOnce)] });
        await raw.ReceiveAsync<SubAckPacket>();
        var server = await test.ConnectAsync("server");
        foreach (var topic in new[] { "t/a", "t/b", "t/a", "t/c", "t/a", "t/b" })
        {
            await server.PublishAsync(topic, "x", MqttQualityOfService.AtLeastOnce);
        }

        var got = new List<(string Topic, ushort Alias)>();
        for (var i = 0; i < 6; i++)
        {
            var p = await raw.ReceiveAsync<PublishPacket>();
            got.Add((p.Topic, p.Properties!.TopicAlias!.Value));
        }

        // a→1, b→2, a (alias only), c takes b's alias 2 (b is least recently used), a (alias only), b takes c's alias 2.
        Assert.Equal([("t/a", 1), ("t/b", 2), ("", 1), ("t/c", 2), ("", 1), ("t/b", 2)], got.Select(g => (g.Topic, (int)g.Alias)).ToArray());
    }

    [Fact]
    public async Task OurClient_ResolvesAliases_AndTheExchangeCostsFewerBytes()
    {
        var withAliases = await MeasureAsync(topicAliasMaximum: 10);
        var without = await MeasureAsync(topicAliasMaximum: null);
        var saved = without - withAliases;
        output.WriteLine($"10-message exchange (5 shadow/desired + 5 commands) to one device: {without} bytes without aliases, {withAliases} with; saved {saved} bytes ({100.0 * saved / without:F1} %)");
        Assert.True(saved > 0);
    }

    /// <summary>Bytes the broker sent to the device for the exchange (PUBLISH packets only: the broker's BytesSent after the SUBACK).</summary>
    private static async Task<long> MeasureAsync(ushort? topicAliasMaximum)
    {
        await using var test = TestBroker.Start();
        var device = await test.ConnectAsync("dev", MqttProtocolVersion.V500, o => o.TopicAliasMaximum = topicAliasMaximum);
        await device.SubscribeAsync("devices/SN-00012345/#", MqttQualityOfService.AtLeastOnce);
        var server = await test.ConnectAsync("server");
        await TestExtensions.WaitUntilAsync(() => test.Broker.GetStatistics().Subscriptions == 1);
        var before = test.Broker.GetStatistics().BytesSent;
        var expected = Exchange().ToList();
        foreach (var (topic, payload) in expected)
        {
            await server.PublishAsync(topic, payload, MqttQualityOfService.AtLeastOnce); // each PUBACK to the server: 4 bytes
        }

        foreach (var (topic, payload) in expected)
        {
            var message = await device.ReceiveAsync();
            Assert.Equal(topic, message.Topic);
            Assert.Equal(payload, Encoding.UTF8.GetString(message.Payload.Span));
        }

        await TestExtensions.WaitUntilAsync(() => test.Broker.GetStatistics().MessagesSent >= 10);
        return test.Broker.GetStatistics().BytesSent - before - (10 * 4);
    }
}
