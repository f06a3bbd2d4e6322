using System.Text;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Interop;

/// <summary>
/// Our MQTT client (src/EdgeConductor.Mqtt/Client) against a real Mosquitto broker, both protocol versions: connect,
/// subscribe, QoS 0/1/2 both ways (to our own subscriber and to an independent mosquitto_sub), retained messages and
/// their deletion, the will on a dropped connection, and session resume. A Mosquitto per test (started in ~50 ms).
/// </summary>
public sealed class MosquittoBrokerClientInteropTests
{
    private const string ClientsHint = "apt-get install -y mosquitto-clients";

    public static TheoryData<MqttProtocolVersion> Versions() => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    private static string V(MqttProtocolVersion version) => version == MqttProtocolVersion.V500 ? "v5" : "v311";

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Connect_Subscribe_PublishQos012_ReceivedWithTheirQoS(MqttProtocolVersion version)
    {
        await using var mosquitto = await MosquittoBroker.StartAsync();
        var sub = await mosquitto.ConnectAsync("sub-" + V(version), version);
        Assert.Equal(MqttReasonCode.Success, sub.LastConnAck!.ReasonCode);
        var ack = await sub.SubscribeAsync([new("ec/#", MqttQualityOfService.ExactlyOnce)]);
        Assert.Equal([MqttReasonCode.GrantedQoS2], ack.ReasonCodes);
        var pub = await mosquitto.ConnectAsync("pub-" + V(version), version);

        for (var q = 0; q <= 2; q++)
        {
            var qos = (MqttQualityOfService)q;
            Assert.Equal(MqttReasonCode.Success, await pub.PublishAsync($"ec/q{q}", $"m{q}", qos));
            var m = await sub.ReceiveAsync();
            Assert.Equal(($"ec/q{q}", $"m{q}", qos, false), (m.Topic, m.Text(), m.QoS, m.Retain));
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task OurClientPublishesQos012_IndependentMosquittoSubReceivesAll(MqttProtocolVersion version)
    {
        var subTool = ExternalTool.Require("mosquitto_sub", ClientsHint);
        await using var mosquitto = await MosquittoBroker.StartAsync();
        var tool = version == MqttProtocolVersion.V500 ? "mqttv5" : "mqttv311";
        using var subscriber = ExternalTool.Start(subTool, "-p", mosquitto.Port.ToString(), "-V", tool, "-q", "2", "-t", "out/#", "-C", "4", "-v",
            "-i", "msub-" + V(version));
        using var cts = new CancellationTokenSource(TestExtensions.DefaultTimeout);

        // Proof that mosquitto_sub is subscribed before anything counts: the retained marker is its first line.
        var pub = await mosquitto.ConnectAsync("pub-" + V(version), version);
        await pub.PublishAsync("out/ready", "ready", MqttQualityOfService.AtLeastOnce, retain: true);
        Assert.Equal("out/ready ready", await subscriber.StandardOutput.ReadLineAsync(cts.Token));

        for (var q = 0; q <= 2; q++)
        {
            Assert.Equal(MqttReasonCode.Success, await pub.PublishAsync($"out/q{q}", $"m{q}", (MqttQualityOfService)q));
        }

        var rest = await subscriber.StandardOutput.ReadToEndAsync(cts.Token);
        await subscriber.WaitForExitAsync(cts.Token);
        Assert.True(subscriber.ExitCode == 0, ExternalTool.Describe(rest, await subscriber.StandardError.ReadToEndAsync()));
        Assert.Equal(["out/q0 m0", "out/q1 m1", "out/q2 m2"], rest.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task MosquittoPubQos012_ReceivedByOurClient(MqttProtocolVersion version)
    {
        var pubTool = ExternalTool.Require("mosquitto_pub", ClientsHint);
        await using var mosquitto = await MosquittoBroker.StartAsync();
        var sub = await mosquitto.ConnectAsync("sub-" + V(version), version);
        await sub.SubscribeAsync("in/#", MqttQualityOfService.ExactlyOnce);
        var tool = version == MqttProtocolVersion.V500 ? "mqttv5" : "mqttv311";
        for (var q = 0; q <= 2; q++)
        {
            var (code, o, e) = await ExternalTool.RunAsync(TimeSpan.FromSeconds(10), pubTool, "-p", mosquitto.Port.ToString(), "-V", tool,
                "-q", q.ToString(), "-t", $"in/q{q}", "-m", $"m{q}");
            Assert.True(code == 0, ExternalTool.Describe(o, e));
            var m = await sub.ReceiveAsync();
            Assert.Equal(($"in/q{q}", $"m{q}", (MqttQualityOfService)q), (m.Topic, m.Text(), m.QoS));
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Retained_DeliveredToALaterSubscriber_AndGoneAfterAnEmptyRetainedPublish(MqttProtocolVersion version)
    {
        await using var mosquitto = await MosquittoBroker.StartAsync();
        var pub = await mosquitto.ConnectAsync("pub-" + V(version), version);
        // Nobody subscribes yet: a v5 broker may say so in the PUBACK (0x10, still a success) while storing the message.
        Assert.Equal(version == MqttProtocolVersion.V500 ? MqttReasonCode.NoMatchingSubscribers : MqttReasonCode.Success,
            await pub.PublishAsync("ret/state", "on", MqttQualityOfService.AtLeastOnce, retain: true));

        var first = await mosquitto.ConnectAsync("first-" + V(version), version);
        await first.SubscribeAsync("ret/#", MqttQualityOfService.AtLeastOnce);
        var retained = await first.ReceiveAsync();
        Assert.Equal(("ret/state", "on", true), (retained.Topic, retained.Text(), retained.Retain));

        Assert.Equal(MqttReasonCode.Success, await pub.PublishAsync("ret/state", ReadOnlyMemory<byte>.Empty, MqttQualityOfService.AtLeastOnce, retain: true));

        // Mosquitto sends a new subscription's retained messages right after its SUBACK, before anything published
        // later: so the first message after a live control publish decides whether a retained one was still there.
        var second = await mosquitto.ConnectAsync("second-" + V(version), version);
        await second.SubscribeAsync("ret/#", MqttQualityOfService.AtLeastOnce);
        await pub.PublishAsync("ret/control", "live", MqttQualityOfService.AtLeastOnce);
        var next = await second.ReceiveAsync();
        Assert.Equal(("ret/control", "live", false), (next.Topic, next.Text(), next.Retain));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Will_PublishedByMosquitto_WhenOurClientDropsTheConnection(MqttProtocolVersion version)
    {
        await using var mosquitto = await MosquittoBroker.StartAsync();
        var watcher = await mosquitto.ConnectAsync("watcher-" + V(version), version);
        await watcher.SubscribeAsync("wills/#", MqttQualityOfService.AtLeastOnce);
        var dying = await mosquitto.ConnectAsync("dying-" + V(version), version, o => o.Will = new MqttWillMessage
        {
            Topic = "wills/dying", Payload = Encoding.UTF8.GetBytes("gone"), QoS = MqttQualityOfService.AtLeastOnce,
        });

        // A clean DISCONNECT discards the will: prove that on a second client first, so the will below is not just noise.
        var polite = await mosquitto.ConnectAsync("polite-" + V(version), version, o => o.Will = new MqttWillMessage
        {
            Topic = "wills/polite", Payload = Encoding.UTF8.GetBytes("never"), QoS = MqttQualityOfService.AtLeastOnce,
        });
        await polite.DisconnectAsync();

        await dying.AbortAsync();
        var will = await watcher.ReceiveAsync();
        Assert.Equal(("wills/dying", "gone"), (will.Topic, will.Text()));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task SessionResume_QueuedQos1And2DeliveredAfterReconnect(MqttProtocolVersion version)
    {
        await using var mosquitto = await MosquittoBroker.StartAsync();
        var id = "resume-" + V(version);
        void Persistent(MqttClientOptions o)
        {
            o.CleanStart = false;
            o.SessionExpiryInterval = 300; // v5 only; v3.1.1 keeps the session with clean session = 0
        }

        var first = await mosquitto.ConnectAsync(id, version, Persistent);
        await first.SubscribeAsync("queued/#", MqttQualityOfService.ExactlyOnce);
        await first.DisconnectAsync();

        var pub = await mosquitto.ConnectAsync("pub-" + V(version), version);
        Assert.Equal(MqttReasonCode.Success, await pub.PublishAsync("queued/1", "one", MqttQualityOfService.AtLeastOnce));
        Assert.Equal(MqttReasonCode.Success, await pub.PublishAsync("queued/2", "two", MqttQualityOfService.ExactlyOnce));

        var again = mosquitto.CreateClient(id, version, Persistent);
        var ack = await again.ConnectAsync();
        Assert.True(ack.SessionPresent);
        var a = await again.ReceiveAsync();
        var b = await again.ReceiveAsync();
        Assert.Equal([("queued/1", "one", MqttQualityOfService.AtLeastOnce), ("queued/2", "two", MqttQualityOfService.ExactlyOnce)],
            new[] { (a.Topic, a.Text(), a.QoS), (b.Topic, b.Text(), b.QoS) });
    }
}
