using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Interop;

/// <summary>Our broker against the independent mosquitto_pub / mosquitto_sub clients (Mosquitto 2.0).</summary>
public sealed class MosquittoClientInteropTests
{
    private const string Hint = "apt-get install -y mosquitto-clients";

    public static TheoryData<string, int> Matrix()
    {
        var data = new TheoryData<string, int>();
        foreach (var v in new[] { "mqttv311", "mqttv5" })
        {
            for (var q = 0; q <= 2; q++)
            {
                data.Add(v, q);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task MosquittoPubToMosquittoSub_ThroughOurBroker_AllDelivered(string version, int qos)
    {
        var pub = ExternalTool.Require("mosquitto_pub", Hint);
        var sub = ExternalTool.Require("mosquitto_sub", Hint);
        await using var test = TestBroker.Start();
        var port = test.Port.ToString();
        using var subscriber = ExternalTool.Start(sub, "-p", port, "-V", version, "-q", qos.ToString(), "-t", "interop/#", "-C", "5", "-v", "-i", $"msub-{version}-{qos}");
        var output = subscriber.StandardOutput.ReadToEndAsync();
        await TestExtensions.WaitUntilAsync(() => test.Broker.GetStatistics().Subscriptions == 1, because: "mosquitto_sub subscribed");

        for (var i = 0; i < 5; i++)
        {
            var (code, o, e) = await ExternalTool.RunAsync(TimeSpan.FromSeconds(10), pub, "-p", port, "-V", version, "-q", qos.ToString(), "-t", $"interop/{i}", "-m", $"msg-{i}", "-i", $"mpub-{version}-{qos}-{i}");
            Assert.True(code == 0, ExternalTool.Describe(o, e));
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await subscriber.WaitForExitAsync(cts.Token);
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"interop/{i} msg-{i}"), lines);
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task MosquittoPub_ToOurClient_Delivered(string version, int qos)
    {
        var pub = ExternalTool.Require("mosquitto_pub", Hint);
        await using var test = TestBroker.Start();
        var client = await test.ConnectAsync("ours", version == "mqttv5" ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311);
        await client.SubscribeAsync("in/#", MqttQualityOfService.ExactlyOnce);
        var (code, o, e) = await ExternalTool.RunAsync(TimeSpan.FromSeconds(10), pub, "-p", test.Port.ToString(), "-V", version, "-q", qos.ToString(), "-t", "in/x", "-m", "hello");
        Assert.True(code == 0, ExternalTool.Describe(o, e));
        var message = await client.ReceiveAsync();
        Assert.Equal("hello", message.Text());
        Assert.Equal((MqttQualityOfService)qos, message.QoS);
    }

    [Theory]
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task MosquittoSub_FromOurClientQos2_Delivered(string version)
    {
        var sub = ExternalTool.Require("mosquitto_sub", Hint);
        await using var test = TestBroker.Start();
        using var subscriber = ExternalTool.Start(sub, "-p", test.Port.ToString(), "-V", version, "-q", "2", "-t", "out/#", "-C", "3");
        var output = subscriber.StandardOutput.ReadToEndAsync();
        await TestExtensions.WaitUntilAsync(() => test.Broker.GetStatistics().Subscriptions == 1);
        var client = await test.ConnectAsync("ours");
        for (var i = 0; i < 3; i++)
        {
            await client.PublishAsync("out/x", "v" + i, MqttQualityOfService.ExactlyOnce);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await subscriber.WaitForExitAsync(cts.Token);
        Assert.Equal(["v0", "v1", "v2"], (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task MosquittoPubRetained_LaterMosquittoSubGetsIt_AndAfterDeletionGetsNothingRetained(string version)
    {
        var pub = ExternalTool.Require("mosquitto_pub", Hint);
        var sub = ExternalTool.Require("mosquitto_sub", Hint);
        // OnSubscribed runs after the broker has queued the retained messages for a new subscription, so a control
        // message published after it is queued behind any retained one: the first thing the subscriber prints decides.
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hooks = new TestHooks
        {
            Subscribed = (client, _) =>
            {
                if (client.ClientId == "after-delete-" + version) subscribed.TrySetResult();
                return ValueTask.CompletedTask;
            },
        };
        await using var test = TestBroker.Start(o => o.Hooks = hooks);
        var port = test.Port.ToString();
        var (code, o, e) = await ExternalTool.RunAsync(TimeSpan.FromSeconds(10), pub, "-p", port, "-V", version, "-q", "1", "-r", "-t", "ret/state", "-m", "on");
        Assert.True(code == 0, ExternalTool.Describe(o, e));
        var (code2, out2, err2) = await ExternalTool.RunAsync(TimeSpan.FromSeconds(10), sub, "-p", port, "-V", version, "-t", "ret/#", "-C", "1", "-v", "-W", "5");
        Assert.True(code2 == 0, ExternalTool.Describe(out2, err2));
        Assert.Equal("ret/state on", out2.Trim());

        // Empty retained payload deletes it.
        (code, o, e) = await ExternalTool.RunAsync(TimeSpan.FromSeconds(10), pub, "-p", port, "-V", version, "-r", "-n", "-t", "ret/state");
        Assert.True(code == 0, ExternalTool.Describe(o, e));
        await TestExtensions.WaitUntilAsync(() => test.Broker.GetStatistics().RetainedMessages == 0);

        // A real subscriber now gets no retained message: the first (and only) line it prints is the live control message.
        using var after = ExternalTool.Start(sub, "-p", port, "-V", version, "-q", "1", "-t", "ret/#", "-C", "1", "-v", "-i", "after-delete-" + version);
        var afterOutput = after.StandardOutput.ReadToEndAsync();
        await subscribed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        (code, o, e) = await ExternalTool.RunAsync(TimeSpan.FromSeconds(10), pub, "-p", port, "-V", version, "-q", "1", "-t", "ret/control", "-m", "live");
        Assert.True(code == 0, ExternalTool.Describe(o, e));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await after.WaitForExitAsync(cts.Token);
        Assert.True(after.ExitCode == 0, ExternalTool.Describe(await afterOutput, await after.StandardError.ReadToEndAsync()));
        Assert.Equal("ret/control live", (await afterOutput).Trim());
    }

    [Theory]
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task MosquittoSubWithWill_Killed_WillPublished(string version)
    {
        var sub = ExternalTool.Require("mosquitto_sub", Hint);
        await using var test = TestBroker.Start();
        var watcher = await test.ConnectAsync("watcher");
        await watcher.SubscribeAsync("wills/#");
        using var dying = ExternalTool.Start(sub, "-p", test.Port.ToString(), "-V", version, "-t", "nothing", "-i", "dying-" + version,
            "--will-topic", "wills/dying", "--will-payload", "gone", "--will-qos", "1");
        await TestExtensions.WaitUntilAsync(() => test.Broker.ConnectedClientCount == 2, because: "mosquitto_sub connected");
        dying.Kill();
        var will = await watcher.ReceiveAsync();
        Assert.Equal(("wills/dying", "gone"), (will.Topic, will.Text()));
    }
}
