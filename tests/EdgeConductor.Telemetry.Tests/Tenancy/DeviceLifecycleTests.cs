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

    private static async Task WaitDisconnectedAsync(MqttClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (client.IsConnected && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.False(client.IsConnected, "the server should have closed the device's session");
    }

    [Fact]
    public async Task DeviceMovedToAnotherOrg_WhileConnected_IsDisconnected_AndNothingReachesTheOldOrg()
    {
        var a = await TestOrg.CreateAsync(Server);
        var b = await TestOrg.CreateAsync(Server);
        var d = await a.DeviceAsync();
        var stays = await a.DeviceAsync(); // stays in the old org: its telemetry is the old stream's control message
        await using var client = await ConnectAsync(d);
        Assert.Equal(MqttReasonCode.Success, await client.PublishAsync(d.Topic("telemetry"), """{"temp":1}""", MqttQualityOfService.AtLeastOnce));
        await using var oldOrg = await SseStream.OpenAsync(a.Http, $"orgs/{a.Id}/stream");

        using var admin = await TestOrg.AdminAsync(Server);
        await admin.PatchRawAsync($"devices/{d.Serial}", $$"""{"org_id":"{{b.Id}}"}""").ExpectAsync(HttpStatusCode.OK);
        await WaitDisconnectedAsync(client);

        // It comes back under its new org: its data goes there.
        await using var newOrg = await SseStream.OpenAsync(b.Http, $"orgs/{b.Id}/stream");
        await using var again = await ConnectAsync(d);
        Assert.Equal(MqttReasonCode.Success, await again.PublishAsync(d.Topic("telemetry"), """{"temp":2}""", MqttQualityOfService.AtLeastOnce));
        var e = await newOrg.NextAsync("telemetry");
        Assert.Equal(2, e["data"]!["temp"]!.GetValue<int>());
        var leaked = await oldOrg.DrainAsync(NothingArrives.Window);
        Assert.DoesNotContain(leaked, ev => ev.Data["serial_no"]?.GetValue<string>() == d.Serial && ev.Data["data"]?["temp"]?.GetValue<int>() == 2);
        // The old org's stream was listening all along: a device that stayed there is heard on it.
        await a.Http.PostRawAsync($"devices/{stays.Serial}/telemetry", """{"temp":3}""").ExpectAsync(HttpStatusCode.OK);
        await oldOrg.NextAsync("telemetry", ev => ev["serial_no"]?.GetValue<string>() == stays.Serial);
    }

    [Fact]
    public async Task SecretRotated_WhileConnected_OldSessionIsClosed_AndTheOldSecretNoLongerConnects()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await using var client = await ConnectAsync(d);
        var rotated = await org.Http.PostRawAsync($"devices/{d.Serial}/secret/rotate", "").ExpectAsync(HttpStatusCode.OK);
        await WaitDisconnectedAsync(client);

        await using var stale = new MqttClient(new MqttClientOptions
        {
            Port = Server.MqttPort, ClientId = "stale-" + d.Serial, UserName = d.Serial, Password = Encoding.UTF8.GetBytes(d.Secret),
        });
        var refused = await Assert.ThrowsAsync<MqttClientException>(() => stale.ConnectAsync());
        Assert.Equal(MqttReasonCode.BadUserNameOrPassword, refused.ReasonCode); // a CONNACK refusal, not a dropped connection
        await using var fresh = new MqttClient(new MqttClientOptions
        {
            Port = Server.MqttPort, ClientId = "fresh-" + d.Serial, UserName = d.Serial,
            Password = Encoding.UTF8.GetBytes(rotated["device_secret"]!.GetValue<string>()),
        });
        await fresh.ConnectAsync();
        Assert.True(fresh.IsConnected);
    }

    [Fact]
    public async Task DeviceDeleted_WhileConnected_IsDisconnected()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await using var client = await ConnectAsync(d);
        await org.Http.DeleteAsync($"devices/{d.Serial}?force=true").ExpectAsync(HttpStatusCode.OK);
        await WaitDisconnectedAsync(client);
    }
}
