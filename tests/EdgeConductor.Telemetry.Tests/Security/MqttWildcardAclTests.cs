using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using static EdgeConductor.Telemetry.Tests.Security.SecurityHelpers;

namespace EdgeConductor.Telemetry.Tests.Security;

/// <summary>
/// Issue 8 item 2, wildcards: with delivery-time checks, service and anonymous sandbox clients are GRANTED wildcard
/// filters (<c>#</c>, <c>+/+</c>, <c>+/C</c>, <c>devices/+/telemetry</c>) and never receive a message they may not read.
/// Runs on the sandbox server (EC_MQTT_ALLOW_ANONYMOUS=true), where devices and service clients work as usual.
/// </summary>
public sealed class MqttWildcardAclTests(AnonymousServerFixture fixture) : IClassFixture<AnonymousServerFixture>
{
    private EcServer Server => fixture.Server;

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task ServiceClient_WildcardFilters_AreGranted(MqttProtocolVersion version)
    {
        var org = await TestOrg.CreateAsync(Server);
        await using var service = await LiveMqtt.ServiceAsync(Server, org.ApiKey, version);
        foreach (var filter in new[] { "#", "+/+", "+/C", "devices/+/telemetry", "devices/#", "$share/g/devices/+/telemetry" })
            Assert.True((int)await service.SubscribeAsync(filter) < 0x80, $"{filter} should be granted");
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task ServiceClient_Hash_ReceivesItsOrgsDevices_NeverAnotherOrgs(MqttProtocolVersion version)
    {
        var org = await TestOrg.CreateAsync(Server);
        var other = await TestOrg.CreateAsync(Server);
        var own = await org.DeviceAsync();
        var foreign = await other.DeviceAsync();
        await using var service = await LiveMqtt.ServiceAsync(Server, org.ApiKey, version);
        Assert.True((int)await service.SubscribeAsync("#") < 0x80);

        // The foreign reading is routed first; the own one is the control: once it arrived, the foreign one was decided.
        var r = await Mosquitto.PublishAsync(foreign, "telemetry", """{"temp":66}""", 1, LiveMqtt.Version(version));
        Assert.True(r.ExitCode == 0, r.ToString());
        r = await Mosquitto.PublishAsync(own, "telemetry", """{"temp":21}""", 1, LiveMqtt.Version(version));
        Assert.True(r.ExitCode == 0, r.ToString());
        var seen = new List<string>();
        await service.NextAsync((t, _) =>
        {
            seen.Add(t);
            return t == own.Topic("telemetry");
        }, "the org's own device reading");

        seen.AddRange(await service.DrainAsync(QuietWindow));
        Assert.DoesNotContain(seen, t => t.Contains(foreign.Serial, StringComparison.Ordinal));
        Assert.DoesNotContain(seen, t => !t.StartsWith("devices/", StringComparison.Ordinal)); // nor the sandbox
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task AnonymousClient_Hash_IsGranted_AndNeverReceivesDeviceTraffic(MqttProtocolVersion version)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await using var anonymous = await LiveMqtt.ConnectAsync(Server, null, null, version);
        Assert.True((int)await anonymous.SubscribeAsync("#") < 0x80);
        Assert.True((int)await anonymous.SubscribeAsync("+/+/telemetry") < 0x80);

        var r = await Mosquitto.PublishAsync(d, "telemetry", """{"temp":5}""", 1, LiveMqtt.Version(version));
        Assert.True(r.ExitCode == 0, r.ToString());
        var control = $"sandbox/{Guid.NewGuid():N}";
        r = await Mosquitto.PublishAsync(Mosquitto.Connect(Server, null, null, LiveMqtt.Version(version)), control, "control", 1);
        Assert.True(r.ExitCode == 0, r.ToString());
        var seen = new List<string>();
        await anonymous.NextAsync((t, _) =>
        {
            seen.Add(t);
            return t == control;
        }, "the sandbox control message");

        seen.AddRange(await anonymous.DrainAsync(QuietWindow));
        Assert.DoesNotContain(seen, t => t.StartsWith("devices/", StringComparison.Ordinal));
    }
}
