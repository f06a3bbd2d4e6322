using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Mqtt;

/// <summary>The devices/{serial}/ ACL: a device publishes and subscribes only in its own namespace.</summary>
[Collection(ServerCollection.Name)]
public sealed class MqttAclTests(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    /// <summary>mosquitto_sub -d prints "Subscribed (mid: 1): 135" (v5 reason code) or ": 128" (v3 failure).</summary>
    private static async Task<string> SubAckAsync(List<string> connect, string filter)
    {
        await using var sub = Mosquitto.Subscribe(connect, [filter], count: 1, timeoutSeconds: 2);
        var line = await sub.WaitForLineAsync(l => l.StartsWith("Subscribed"), what: "SUBACK");
        return line[(line.IndexOf("):", StringComparison.Ordinal) + 2)..].Trim();
    }

    [Theory]
    [InlineData("devices/{other}/telemetry")]
    [InlineData("devices/{other}/shadow/reported")]
    [InlineData("devices/{own}/shadow/desired")]
    [InlineData("devices/{own}/commands")]
    [InlineData("devices/{own}/telemetry/extra")]
    [InlineData("sandbox/anything")]
    public async Task ForbiddenPublish_V5_PubAck0x87_AndNothingStored(string topicTemplate)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var other = await org.DeviceAsync();
        var topic = topicTemplate.Replace("{own}", d.Serial).Replace("{other}", other.Serial);

        var r = await Mosquitto.PublishAsync(Mosquitto.As(d, 5), topic, """{"temp":66}""", 1);
        Assert.Contains("RC:135", r.Stdout);
        foreach (var x in new[] { d, other })
        {
            Assert.Empty((JsonArray)await org.GetAsync($"devices/{x.Serial}/telemetry"));
            Assert.Empty((await org.GetAsync($"devices/{x.Serial}/shadow"))["reported"]!.AsObject());
        }
    }

    [Fact]
    public async Task ForbiddenPublish_IsCountedAsAclDenied()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var other = await org.DeviceAsync();
        var before = await Metrics.SumAsync(Server, "ec_mqtt_acl_denied_total", "action=\"publish\"");
        await Mosquitto.PublishAsync(Mosquitto.As(d, 311), other.Topic("telemetry"), """{"temp":66}""", 1);
        Assert.True(await Metrics.SumAsync(Server, "ec_mqtt_acl_denied_total", "action=\"publish\"") > before);
        Assert.Empty((JsonArray)await org.GetAsync($"devices/{other.Serial}/telemetry"));
    }

    [Theory]
    [InlineData("devices/+/telemetry")]
    [InlineData("devices/+/shadow/desired")]
    [InlineData("devices/#")]
    [InlineData("#")]
    [InlineData("+/{own}/commands")]
    [InlineData("devices/{other}/shadow/desired")]
    [InlineData("devices/{other}/#")]
    [InlineData("$share/g/devices/{other}/commands")]
    [InlineData("sandbox/#")]
    public async Task ForbiddenSubscribe_SubAck0x87OnV5_0x80OnV311(string filterTemplate)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var other = await org.DeviceAsync();
        var filter = filterTemplate.Replace("{own}", d.Serial).Replace("{other}", other.Serial);
        var before = await Metrics.SumAsync(Server, "ec_mqtt_acl_denied_total", "action=\"subscribe\"");

        Assert.Equal("135", await SubAckAsync(Mosquitto.As(d, 5), filter));
        Assert.Equal("128", await SubAckAsync(Mosquitto.As(d, 311), filter));
        Assert.True(await Metrics.SumAsync(Server, "ec_mqtt_acl_denied_total", "action=\"subscribe\"") >= before + 2);
    }

    [Theory]
    [InlineData("devices/{own}/shadow/desired")]
    [InlineData("devices/{own}/commands")]
    [InlineData("devices/{own}/ota")]
    [InlineData("devices/{own}/#")]
    [InlineData("devices/{own}/+")]
    public async Task OwnNamespaceSubscribe_IsGranted(string filterTemplate)
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var filter = filterTemplate.Replace("{own}", d.Serial);
        Assert.Equal("1", await SubAckAsync(Mosquitto.As(d, 5), filter));
        Assert.Equal("1", await SubAckAsync(Mosquitto.As(d, 311), filter));
    }

    [Fact]
    public async Task DeviceSubscribedToAnotherDevicesTopic_ReceivesNothingOfIt()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var other = await org.DeviceAsync();
        // The other device's topic is refused (135); its own is granted (1) and carries the control message.
        await using var sub = Mosquitto.Subscribe(Mosquitto.As(d, 5), [other.Topic("shadow/desired"), d.Topic("shadow/desired")], count: 1);
        await sub.WaitForSubAckAsync("135, 1");
        await org.Http.PatchRawAsync($"devices/{other.Serial}/shadow/desired", """{"relay":true}""").ExpectAsync(HttpStatusCode.OK);
        await sub.AssertNothingArrivesAsync(
            unwanted: l => l.StartsWith(other.Topic("shadow/desired") + " "),
            sendControl: () => org.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", """{"control":1}""").ExpectAsync(HttpStatusCode.OK),
            control: l => l.StartsWith(d.Topic("shadow/desired") + " ") && l.Contains("\"control\":1"),
            expectedSubAckCodes: "135, 1");
    }
}
