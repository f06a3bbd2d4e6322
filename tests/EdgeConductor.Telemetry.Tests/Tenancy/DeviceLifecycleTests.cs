using System.Net;
using System.Text;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Tenancy;

/// <summary>A device that changes hands (moved to another org) while its MQTT connection stays open.</summary>
[Collection(ServerCollection.Name)]
public sealed class DeviceLifecycleTests(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    private async Task<MqttClient> ConnectAsync(TestDevice d)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Port = Server.MqttPort, ClientId = "lifecycle-" + d.Serial, UserName = d.Serial, Password = Encoding.UTF8.GetBytes(d.Secret),
        });
        await client.ConnectAsync();
        return client;
    }

    [Fact]
    public async Task DeviceMovedToAnotherOrg_WhileConnected_ItsLiveTelemetryNoLongerReachesTheOldOrg()
    {
        var a = await TestOrg.CreateAsync(Server);
        var b = await TestOrg.CreateAsync(Server);
        var d = await a.DeviceAsync();
        await using var client = await ConnectAsync(d);
        Assert.Equal(MqttReasonCode.Success, await client.PublishAsync(d.Topic("telemetry"), """{"temp":1}""", MqttQualityOfService.AtLeastOnce));

        using var admin = await TestOrg.AdminAsync(Server);
        await admin.PatchRawAsync($"devices/{d.Serial}", $$"""{"org_id":"{{b.Id}}"}""").ExpectAsync(HttpStatusCode.OK);
        await using var oldOrg = await SseStream.OpenAsync(a.Http, $"orgs/{a.Id}/stream");
        await using var newOrg = await SseStream.OpenAsync(b.Http, $"orgs/{b.Id}/stream");

        var code = await client.PublishAsync(d.Topic("telemetry"), """{"temp":2}""", MqttQualityOfService.AtLeastOnce);
        if (code == MqttReasonCode.Success)
        {
            var e = await newOrg.NextAsync("telemetry");
            Assert.Equal(2, e["data"]!["temp"]!.GetValue<int>());
        }
        var leaked = await oldOrg.DrainAsync(TimeSpan.FromMilliseconds(700));
        Assert.DoesNotContain(leaked, ev => ev.Data["serial_no"]?.GetValue<string>() == d.Serial);
    }
}
