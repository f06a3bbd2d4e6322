using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Mqtt;

/// <summary>
/// $SYS/broker/… statistics in the server (EC_MQTT_SYS_INTERVAL, default 10 s, retained): readable by sandbox and service
/// clients, not by devices; nobody may publish under $SYS.
/// </summary>
public sealed class SysTopicsServerTests(AnonymousServerFixture fixture) : IClassFixture<AnonymousServerFixture>
{
    private EcServer Server => fixture.Server;

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task SandboxAndServiceClients_ReadSysStatistics(int version)
    {
        var org = await TestOrg.CreateAsync(Server);
        foreach (var connect in new[] { Mosquitto.Connect(Server, null, null, version), Mosquitto.Connect(Server, "service", org.ApiKey, version) })
        {
            await using var sub = Mosquitto.Subscribe(connect, ["$SYS/broker/clients/connected", "$SYS/broker/uptime"], count: 2, qos: 0);
            await sub.WaitForLineAsync(l => l.StartsWith("$SYS/broker/uptime ") && l.EndsWith(" seconds"), what: "the retained uptime");
            await sub.WaitForLineAsync(l => l.StartsWith("$SYS/broker/clients/connected "), what: "the retained client count");
        }
    }

    [Theory]
    [InlineData(311, "128")]
    [InlineData(5, "135")]
    public async Task Device_CannotSubscribeToSys(int version, string code)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await using var sub = Mosquitto.Subscribe(Mosquitto.As(d, version), ["$SYS/#"], count: 1, timeoutSeconds: 2);
        var line = await sub.WaitForLineAsync(l => l.StartsWith("Subscribed"), what: "SUBACK");
        Assert.EndsWith(": " + code, line);
    }

    [Fact]
    public async Task NobodyPublishesUnderSys()
    {
        var org = await TestOrg.CreateAsync(Server);
        foreach (var connect in new[] { Mosquitto.Connect(Server, null, null, 5), Mosquitto.Connect(Server, "service", org.ApiKey, 5) })
        {
            var r = await Mosquitto.PublishAsync(connect, "$SYS/broker/uptime", "forged", 1);
            Assert.Contains("RC:135", r.Stdout);
        }

        await using var sub = Mosquitto.Subscribe(Mosquitto.Connect(Server, null, null, 5), ["$SYS/broker/uptime"], count: 1, qos: 0);
        var line = await sub.WaitForLineAsync(l => l.StartsWith("$SYS/broker/uptime "), what: "the retained uptime");
        Assert.EndsWith(" seconds", line);
    }
}
