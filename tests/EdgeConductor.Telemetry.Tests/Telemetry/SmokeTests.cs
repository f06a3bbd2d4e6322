using System.Net;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Telemetry;

[Collection(ServerCollection.Name)]
public sealed class SmokeTests(ServerFixture fixture)
{
    [Fact]
    public async Task Server_StartsOnRealSockets_HealthAndMqttPortsAnswer()
    {
        var server = fixture.Server;
        using var http = server.Http();
        var health = await new HttpClient().GetAsync(new Uri(server.BaseUri, "health"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(File.Exists(Path.Combine(server.DataDir, "mqtt-selfsigned.pfx")), "EC_DATA_DIR was not honoured");
        var org = await TestOrg.CreateAsync(server);
        var device = await org.DeviceAsync();
        var r = await ExternalTool.MosquittoPubAsync(["-h", "127.0.0.1", "-p", server.MqttPort.ToString(), "-u", device.Serial, "-P", device.Secret,
            "-t", device.Topic("telemetry"), "-m", "{\"temp\":21.5}", "-q", "1"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var history = await org.GetAsync($"devices/{device.Serial}/telemetry");
        Assert.Equal(21.5, history[0]!["temp"]!.GetValue<double>());
    }
}
