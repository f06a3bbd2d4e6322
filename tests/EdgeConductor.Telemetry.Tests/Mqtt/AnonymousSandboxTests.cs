using System.Net;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Mqtt;

/// <summary>
/// EC_MQTT_ALLOW_ANONYMOUS=true: an open sandbox outside devices/; devices/ keeps its ACL. Filters naming devices/ are
/// refused; wildcards (#, +/…) are granted and never carry device traffic (Security/MqttWildcardAclTests).
/// </summary>
public sealed class AnonymousSandboxTests(AnonymousServerFixture fixture) : IClassFixture<AnonymousServerFixture>
{
    private EcServer Server => fixture.Server;

    private List<string> Anonymous(int version) => Mosquitto.Connect(Server, null, null, version);

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task Anonymous_PublishesAndSubscribesUnderSandbox(int version)
    {
        var topic = $"sandbox/{Guid.NewGuid():N}/temp";
        await using var sub = Mosquitto.Subscribe(Anonymous(version), ["sandbox/#"], count: 1);
        await sub.WaitForLineAsync(l => l.StartsWith("Subscribed"), what: "SUBACK");
        Assert.DoesNotContain(sub.Lines, l => l.EndsWith(": 135") || l.EndsWith(": 128"));

        var r = await Mosquitto.PublishAsync(Anonymous(version), topic, "hello sandbox", 1);
        Assert.True(r.ExitCode == 0, r.ToString());
        await sub.WaitForLineAsync(l => l == $"{topic} hello sandbox", what: "the sandbox message");
    }

    [Fact]
    public async Task Paho_Anonymous_PublishesAndSubscribesUnderSandbox()
    {
        var topic = $"sandbox/{Guid.NewGuid():N}";
        var r = await ExternalTool.PahoAsync(["--port", Server.MqttPort.ToString(), "--protocol", "5", "--sub", topic, "--pub", topic, "ping", "--count", "1"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("\"payload\": \"ping\"", r.Stdout);
    }

    [Fact]
    public async Task Anonymous_CannotPublishIntoDevices()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var r = await Mosquitto.PublishAsync(Anonymous(5), d.Topic("telemetry"), """{"temp":66}""", 1);
        Assert.Contains("RC:135", r.Stdout);
        Assert.Empty((System.Text.Json.Nodes.JsonArray)await org.GetAsync($"devices/{d.Serial}/telemetry"));
    }

    [Theory]
    [InlineData("devices/#")]
    [InlineData("devices/{serial}/shadow/desired")]
    [InlineData("$share/g/devices/#")]
    public async Task Anonymous_CannotSubscribeIntoDevices(string template)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var filter = template.Replace("{serial}", d.Serial);
        foreach (var (version, code) in new[] { (5, "135"), (311, "128") })
        {
            await using var sub = Mosquitto.Subscribe(Anonymous(version), [filter], count: 1, timeoutSeconds: 2);
            var line = await sub.WaitForLineAsync(l => l.StartsWith("Subscribed"), what: "SUBACK");
            Assert.EndsWith(": " + code, line);
        }
    }

    [Fact]
    public async Task Devices_StillAuthenticate_AndBadCredentialsAreStillRefused()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var ok = await Mosquitto.PublishAsync(d, "telemetry", """{"temp":1}""", 1, 5);
        Assert.Contains("RC:0", ok.Stdout);
        var bad = await ExternalTool.MosquittoPubAsync([.. Mosquitto.Connect(Server, d.Serial, "ds_wrong", 5), "-t", "sandbox/x", "-m", "x"]);
        Assert.True(bad.ExitCode == 0x86, bad.ToString());
        await org.Http.GetAsync($"devices/{d.Serial}/telemetry").ExpectAsync(HttpStatusCode.OK);
    }
}
