using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

/// <summary><c>$SYS/broker/…</c> statistics (<see cref="Mqtt.Broker.MqttBrokerOptions.SysTopicsInterval"/>) and the ban on client publishes under <c>$SYS</c>.</summary>
public sealed class SysTopicsTests
{
    private static async Task<Dictionary<string, string>> ReadSysAsync(Mqtt.Client.MqttClient client, int count)
    {
        var values = new Dictionary<string, string>();
        while (values.Count < count)
        {
            var m = await client.ReceiveAsync();
            values[m.Topic] = m.Text();
        }

        return values;
    }

    [Fact]
    public async Task Statistics_RetainedAtSubscribe_AndRefreshedEachInterval()
    {
        var time = new FakeTimeProvider();
        await using var test = TestBroker.Start(o => { o.TimeProvider = time; o.SysTopicsInterval = TimeSpan.FromSeconds(10); });
        var watcher = await test.ConnectAsync("watcher");
        await watcher.SubscribeAsync("$SYS/broker/#");
        var first = await ReadSysAsync(watcher, 14); // the retained round published at start
        Assert.Equal("0 seconds", first["$SYS/broker/uptime"]);
        foreach (var name in new[] { "clients/connected", "subscriptions/count", "retained messages/count", "messages/received", "messages/sent", "messages/dropped", "bytes/received", "bytes/sent", "load/messages/received/per_second", "load/bytes/sent/per_second", "sessions/count" })
        {
            Assert.True(first.ContainsKey("$SYS/broker/" + name), name);
        }

        var publisher = await test.ConnectAsync("pub");
        for (var i = 0; i < 20; i++)
        {
            await publisher.PublishAsync("data/x", "v", MqttQualityOfService.AtLeastOnce);
        }

        time.Advance(TimeSpan.FromSeconds(10));
        var second = await ReadSysAsync(watcher, 14);
        Assert.Equal("10 seconds", second["$SYS/broker/uptime"]);
        Assert.Equal("2", second["$SYS/broker/clients/connected"]);
        Assert.Equal("20", second["$SYS/broker/messages/received"]);
        Assert.Equal("2", second["$SYS/broker/load/messages/received/per_second"]); // 20 in 10 s
    }

    [Fact]
    public async Task HashFilter_DoesNotMatchSys()
    {
        await using var test = TestBroker.Start(o => o.SysTopicsInterval = TimeSpan.FromSeconds(10));
        var all = await test.ConnectAsync("all");
        await all.SubscribeAsync("#");
        var publisher = await test.ConnectAsync("pub");
        await publisher.PublishAsync("control", "c", MqttQualityOfService.AtLeastOnce);
        Assert.Equal("control", (await all.ReceiveAsync()).Topic); // the first thing it gets is the control, not a retained $SYS value
    }

    [Theory]
    [InlineData("mqttv5", 1)]
    [InlineData("mqttv5", 0)]
    [InlineData("mqttv311", 1)]
    public async Task ClientPublishUnderSys_Refused_NeverRoutedNorRetained(string version, int qos)
    {
        var pub = ExternalTool.Require("mosquitto_pub", "apt-get install -y mosquitto-clients");
        await using var test = TestBroker.Start(o => o.SysTopicsInterval = TimeSpan.FromHours(1));
        var watcher = await test.ConnectAsync("watcher");
        await watcher.SubscribeAsync("$SYS/#");
        await ReadSysAsync(watcher, 14);
        var (code, o, e) = await ExternalTool.RunAsync(TimeSpan.FromSeconds(10), pub, "-p", test.Port.ToString(), "-V", version, "-q", qos.ToString(), "-r", "-t", "$SYS/broker/uptime", "-m", "forged", "-i", "forger", "-d");
        if (version == "mqttv5" && qos == 1)
        {
            Assert.Contains("PUBACK (Mid: 1, RC:135)", o + e); // 0x87 Not authorized
        }

        // Control: a legitimate $-free publish still arrives, and nothing forged came before it.
        var publisher = await test.ConnectAsync("pub");
        await watcher.SubscribeAsync("control");
        await publisher.PublishAsync("control", "c", MqttQualityOfService.AtLeastOnce);
        Assert.Equal("control", (await watcher.ReceiveAsync()).Topic);
        var late = await test.ConnectAsync("late");
        await late.SubscribeAsync("$SYS/broker/uptime");
        Assert.Equal("0 seconds", (await late.ReceiveAsync()).Text()); // the broker's retained value, not "forged"
        Assert.True(test.Broker.GetStatistics().PublishesRejected >= 1, ExternalTool.Describe(o, e) + code);
    }

    [Fact]
    public async Task CountRetained_CountsSysApartFromClientTopics()
    {
        await using var test = TestBroker.Start(o => o.SysTopicsInterval = TimeSpan.FromHours(1));
        var publisher = await test.ConnectAsync("pub");
        await publisher.PublishAsync("data/x", "v", MqttQualityOfService.AtLeastOnce, retain: true); // acknowledged after it is stored

        Assert.Equal(15, test.Broker.GetStatistics().RetainedMessages); // the statistic counts both
        Assert.Equal(14, test.Broker.CountRetained("$SYS/#"));
        Assert.Equal(1, test.Broker.CountRetained("#"));              // '#' never matches $SYS
        Assert.Equal(1, test.Broker.CountRetained("data/+"));
        Assert.Throws<ArgumentException>(() => test.Broker.CountRetained("data/#/x"));
    }
}
