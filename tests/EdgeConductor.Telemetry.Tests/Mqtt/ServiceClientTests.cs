using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Mqtt;

/// <summary>A service client (password = org API key) uses its own org's device topics, never another org's.</summary>
[Collection(ServerCollection.Name)]
public sealed class ServiceClientTests(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    private List<string> Service(TestOrg org, int version) => Mosquitto.Connect(Server, "service", org.ApiKey, version);

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task ServiceClient_IngestsOnBehalfOfItsOrgsDevice(int version)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var r = await Mosquitto.PublishAsync(Service(org, version), d.Topic("telemetry"), """{"temp":19.5}""", 1);
        Assert.True(r.ExitCode == 0, r.ToString());
        if (version == 5) Assert.Contains("RC:0", r.Stdout);
        r = await Mosquitto.PublishAsync(Service(org, version), d.Topic("shadow/reported"), """{"relay":true}""", 1);
        Assert.True(r.ExitCode == 0, r.ToString());

        Assert.Equal(19.5, Assert.Single((JsonArray)await org.GetAsync($"devices/{d.Serial}/telemetry"))!["temp"]!.GetValue<double>());
        Assert.True((await org.GetAsync($"devices/{d.Serial}/shadow"))["reported"]!["relay"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ServiceClient_SubscribesToItsOrgsDeviceTopics_AndSeesTheirTraffic()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await using var sub = Mosquitto.Subscribe(Service(org, 5), [d.Topic("telemetry"), d.Topic("shadow/desired")], count: 2);
        await sub.WaitForLineAsync(l => l.StartsWith("Subscribed"), what: "SUBACK");
        Assert.DoesNotContain(sub.Lines, l => l.StartsWith("Subscribed") && (l.Contains("135") || l.Contains("128")));

        var r = await Mosquitto.PublishAsync(d, "telemetry", """{"co2":900}""", 1);
        Assert.True(r.ExitCode == 0, r.ToString());
        await org.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", """{"relay":true}""").ExpectAsync(HttpStatusCode.OK);

        await sub.WaitForLineAsync(l => l.StartsWith(d.Topic("telemetry") + " ") && l.Contains("900"), what: "the device's telemetry");
        await sub.WaitForLineAsync(l => l.StartsWith(d.Topic("shadow/desired") + " "), what: "the desired patch");
    }

    [Fact]
    public async Task ServiceClient_CannotUseAnotherOrgsDevice()
    {
        var org = await TestOrg.CreateAsync(Server);
        var other = await TestOrg.CreateAsync(Server);
        var foreign = await other.DeviceAsync();

        var r = await Mosquitto.PublishAsync(Service(org, 5), foreign.Topic("telemetry"), """{"temp":66}""", 1);
        Assert.Contains("RC:135", r.Stdout);
        Assert.Empty((JsonArray)await other.GetAsync($"devices/{foreign.Serial}/telemetry"));

        // A literal foreign serial is refused; wildcards are granted and filtered per message (Security/MqttWildcardAclTests).
        foreach (var filter in new[] { foreign.Topic("telemetry"), foreign.Topic("#") })
        {
            await using var sub = Mosquitto.Subscribe(Service(org, 5), [filter], count: 1, timeoutSeconds: 2);
            var line = await sub.WaitForLineAsync(l => l.StartsWith("Subscribed"), what: "SUBACK");
            Assert.EndsWith(": 135", line);
        }
    }
}
