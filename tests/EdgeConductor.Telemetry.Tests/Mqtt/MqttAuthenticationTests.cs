using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Mqtt;

/// <summary>CONNECT: device secret, org API key, bad/absent/revoked credentials (v3.1.1 return codes, v5 reason codes).</summary>
[Collection(ServerCollection.Name)]
public sealed class MqttAuthenticationTests(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    private Task<ExternalTool.Result> PubAsync(string? user, string? password, int version) =>
        ExternalTool.MosquittoPubAsync([.. Mosquitto.Connect(Server, user, password, version), "-t", "sandbox/x", "-m", "{}", "-q", "1"]);

    private Task<ExternalTool.Result> PahoConnectAsync(string? user, string? password, string version)
    {
        var args = new List<string> { "--port", Server.MqttPort.ToString(), "--protocol", version, "--timeout", "5" };
        if (user is not null) args.AddRange(["--user", user]);
        if (password is not null) args.AddRange(["--password", password]);
        return ExternalTool.PahoAsync(args);
    }

    private static int ConnAck(ExternalTool.Result paho) =>
        paho.Stdout.Split('\n').Select(l => l.Length > 0 ? JsonNode.Parse(l) : null)
            .First(e => e?["event"]?.GetValue<string>() == "connack")!["rc"]!.GetValue<int>();

    [Fact]
    public async Task WrongDeviceSecret_V311_IsRefusedNotAuthorized_ExitCode5()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var r = await PubAsync(d.Serial, "ds_wrong", 311);
        Assert.True(r.ExitCode == 5, r.ToString());
        Assert.Contains("not authorised", r.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task WrongDeviceSecret_V5_IsRefusedBadUserNameOrPassword0x86()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var r = await PubAsync(d.Serial, "ds_wrong", 5);
        Assert.True(r.ExitCode == 0x86, r.ToString());
        Assert.Equal(0x86, ConnAck(await PahoConnectAsync(d.Serial, "ds_wrong", "5")));
        Assert.Equal(5, ConnAck(await PahoConnectAsync(d.Serial, "ds_wrong", "311")));
    }

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task UnknownSerial_IsRefused(int version)
    {
        var r = await PubAsync("NO-SUCH-DEVICE", "ds_whatever", version);
        Assert.True(r.ExitCode == (version == 5 ? 0x86 : 5), r.ToString());
    }

    [Theory]
    [InlineData(311, 5)]
    [InlineData(5, 0x87)]
    public async Task NoCredentials_WithAnonymousOff_IsRefused(int version, int expected)
    {
        var r = await PubAsync(null, null, version);
        Assert.True(r.ExitCode == expected, r.ToString());
        var usernameOnly = await PubAsync("someone", null, version);
        Assert.True(usernameOnly.ExitCode == expected, usernameOnly.ToString());
    }

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task DeviceSecret_IsAccepted(int version)
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var r = await Mosquitto.PublishAsync(d, "telemetry", """{"temp":1}""", 1, version);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(0, ConnAck(await PahoConnectAsync(d.Serial, d.Secret, version == 5 ? "5" : "311")));
    }

    [Fact]
    public async Task RevokedApiKey_IsRefusedAtConnect()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        using var admin = await TestOrg.AdminAsync(Server);
        var key = await admin.PostJsonAsync($"orgs/{org.Id}/api-keys", new { name = "to revoke" }, HttpStatusCode.Created);
        var raw = key["key"]!.GetValue<string>();
        var ok = await ExternalTool.MosquittoPubAsync([.. Mosquitto.Connect(Server, "svc", raw, 5), "-d", "-t", d.Topic("telemetry"), "-m", """{"temp":1}""", "-q", "1"]);
        Assert.True(ok.ExitCode == 0, ok.ToString());

        await admin.DeleteAsync($"api-keys/{key["id"]!.GetValue<string>()}").ExpectAsync(HttpStatusCode.OK);

        var v5 = await PubAsync("svc", raw, 5);
        Assert.True(v5.ExitCode == 0x86, v5.ToString());
        var v3 = await PubAsync("svc", raw, 311);
        Assert.True(v3.ExitCode == 5, v3.ToString());
        var unknown = await PubAsync("svc", "ec_live_" + new string('x', 40), 5);
        Assert.True(unknown.ExitCode == 0x86, unknown.ToString());
    }

    [Fact]
    public async Task RefusedConnects_AreCountedInMetrics()
    {
        var before = await Metrics.SumAsync(Server, "mqtt_auth_failures_total");
        await PubAsync("NO-SUCH-DEVICE", "ds_x", 5);
        Assert.True(await Metrics.SumAsync(Server, "mqtt_auth_failures_total") > before);
    }
}
