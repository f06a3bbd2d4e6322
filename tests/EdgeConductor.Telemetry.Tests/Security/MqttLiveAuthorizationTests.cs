using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using static EdgeConductor.Telemetry.Tests.Security.SecurityHelpers;

namespace EdgeConductor.Telemetry.Tests.Security;

/// <summary>
/// Issue 8 item 2, MQTT: rights are decided when a message is delivered or published, against the client's current
/// credential and the device's current owner; a connection whose credential is gone is closed (v5 DISCONNECT 0x98).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class MqttLiveAuthorizationTests(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task RevokedApiKey_OpenSubscriberAndPublisher_AreDisconnected_AndNothingMoreIsStored(MqttProtocolVersion version)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var (keyId, key) = await ExtraKeyAsync(org);
        await using var sub = await LiveMqtt.ServiceAsync(Server, key, version);
        Assert.True((int)await sub.SubscribeAsync(d.Topic("telemetry")) < 0x80);
        await using var pub = await LiveMqtt.ServiceAsync(Server, key, version);
        Assert.Equal(MqttReasonCode.Success, await pub.Client.PublishAsync(d.Topic("telemetry"), """{"temp":1}""", MqttQualityOfService.AtLeastOnce));
        await sub.NextAsync((t, p) => t == d.Topic("telemetry") && p.Contains("\"temp\":1"), "the control reading");

        await RevokeAsync(org, keyId);

        var expected = version == MqttProtocolVersion.V500 ? MqttReasonCode.AdministrativeAction : (MqttReasonCode?)null;
        Assert.Equal(expected, await sub.ClosedByServerAsync());
        Assert.Equal(expected, await pub.ClosedByServerAsync());
        Assert.Single((JsonArray)await org.GetAsync($"devices/{d.Serial}/telemetry"));
    }

    [Fact]
    public async Task RevokedApiKey_PublishRightAfterTheRevocation_IsRefusedOrCut_NeverStored()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var (keyId, key) = await ExtraKeyAsync(org);
        await using var pub = await LiveMqtt.ServiceAsync(Server, key, MqttProtocolVersion.V500);
        Assert.Equal(MqttReasonCode.Success, await pub.Client.PublishAsync(d.Topic("telemetry"), """{"temp":1}""", MqttQualityOfService.AtLeastOnce));

        await RevokeAsync(org, keyId);
        MqttReasonCode? answer = null;
        try
        {
            answer = await pub.Client.PublishAsync(d.Topic("telemetry"), """{"temp":2}""", MqttQualityOfService.AtLeastOnce);
        }
        catch (EdgeConductor.Mqtt.Client.MqttClientException)
        {
            // the revalidation closed the connection first: just as good
        }

        if (answer is not null) Assert.Equal(MqttReasonCode.NotAuthorized, answer);
        Assert.Equal(MqttReasonCode.AdministrativeAction, await pub.ClosedByServerAsync());
        var stored = (JsonArray)await org.GetAsync($"devices/{d.Serial}/telemetry");
        Assert.Equal(1, Assert.Single(stored)!["temp"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task DeviceMovedToAnotherOrg_OldOrgsSubscriptionReceivesNothing_NewOrgsWildcardDoes(MqttProtocolVersion version)
    {
        var a = await TestOrg.CreateAsync(Server);
        var b = await TestOrg.CreateAsync(Server);
        var d = await a.DeviceAsync();
        await using var aSub = await LiveMqtt.ServiceAsync(Server, a.ApiKey, version);
        Assert.True((int)await aSub.SubscribeAsync(d.Topic("#")) < 0x80);
        await using var bSub = await LiveMqtt.ServiceAsync(Server, b.ApiKey, version);
        Assert.True((int)await bSub.SubscribeAsync("devices/#") < 0x80);

        var r = await Mosquitto.PublishAsync(d, "telemetry", """{"temp":1}""", 1, LiveMqtt.Version(version));
        Assert.True(r.ExitCode == 0, r.ToString());
        await aSub.NextAsync((t, p) => t == d.Topic("telemetry") && p.Contains("\"temp\":1"), "A's control reading");

        await MoveAsync(Server, d, b);

        r = await Mosquitto.PublishAsync(d, "telemetry", """{"temp":2}""", 1, LiveMqtt.Version(version));
        Assert.True(r.ExitCode == 0, r.ToString());
        await b.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", """{"door_code":"4711"}""").ExpectAsync(HttpStatusCode.OK);
        await b.Http.PostRawAsync($"devices/{d.Serial}/reboot", "").ExpectAsync(HttpStatusCode.Accepted);
        await bSub.NextAsync((t, p) => t == d.Topic("telemetry") && p.Contains("\"temp\":2"), "B's reading after the move");
        await bSub.NextAsync((t, p) => t == d.Topic("shadow/desired") && p.Contains("4711"), "B's desired state");
        await bSub.NextAsync((t, _) => t == d.Topic("commands"), "B's command");

        var leaked = await aSub.DrainAsync(QuietWindow);
        Assert.DoesNotContain(leaked, t => t.StartsWith(d.Topic(""), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("delete", MqttProtocolVersion.V500)]
    [InlineData("delete", MqttProtocolVersion.V311)]
    [InlineData("rotate", MqttProtocolVersion.V500)]
    [InlineData("rotate", MqttProtocolVersion.V311)]
    public async Task DeviceDeletedOrSecretRotated_OpenDeviceConnection_IsClosedWithAdministrativeAction(string change, MqttProtocolVersion version)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await using var device = await LiveMqtt.ConnectAsync(Server, d.Serial, d.Secret, version);
        Assert.True((int)await device.SubscribeAsync(d.Topic("commands")) < 0x80);

        if (change == "delete") await org.Http.DeleteAsync($"devices/{d.Serial}?force=true").ExpectAsync(HttpStatusCode.OK);
        else await org.Http.PostRawAsync($"devices/{d.Serial}/secret/rotate", "").ExpectAsync(HttpStatusCode.OK);

        var expected = version == MqttProtocolVersion.V500 ? MqttReasonCode.AdministrativeAction : (MqttReasonCode?)null;
        Assert.Equal(expected, await device.ClosedByServerAsync());
    }

    private static async Task<(string Serial, string Secret)> RegisterAsync(TestOrg org, string serial)
    {
        var created = await org.Http.PostJsonAsync("devices/register", new { serial_no = serial, product_type = "EC-CLIMATE-V1" }, HttpStatusCode.Created);
        return (serial, created["device_secret"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task AnotherOrgNamingASerialBeforeItIsRegistered_DoesNotLockOutTheDeviceRegisteredLater(MqttProtocolVersion version)
    {
        var a = await TestOrg.CreateAsync(Server);
        var b = await TestOrg.CreateAsync(Server);
        var serial = $"EC-T-{Guid.NewGuid().ToString("N")[..10].ToUpperInvariant()}";
        await using var bSub = await LiveMqtt.ServiceAsync(Server, b.ApiKey, version);
        Assert.True((int)await bSub.SubscribeAsync($"devices/{serial}/#") >= 0x80, "naming an unknown serial is refused");

        var (_, secret) = await RegisterAsync(a, serial);
        await using var aSub = await LiveMqtt.ServiceAsync(Server, a.ApiKey, version);
        Assert.True((int)await aSub.SubscribeAsync("devices/#") < 0x80);
        await using var device = await LiveMqtt.ConnectAsync(Server, serial, secret, version);
        Assert.True((int)await device.SubscribeAsync($"devices/{serial}/#") < 0x80, "the new device may subscribe to its own topics");
        Assert.Equal(MqttReasonCode.Success, await device.Client.PublishAsync($"devices/{serial}/telemetry", """{"temp":7}""", MqttQualityOfService.AtLeastOnce));

        await aSub.NextAsync((t, p) => t == $"devices/{serial}/telemetry" && p.Contains("\"temp\":7"), "the new device's reading at its org's wildcard subscriber");
        Assert.Single((JsonArray)await a.GetAsync($"devices/{serial}/telemetry"));
    }

    [Fact]
    public async Task DeletedDevicesRetainedMessages_NeverReachTheOrgThatRegistersTheSerialNext()
    {
        var a = await TestOrg.CreateAsync(Server);
        var b = await TestOrg.CreateAsync(Server);
        var old = await b.DeviceAsync();
        await using (var bDevice = await LiveMqtt.ConnectAsync(Server, old.Serial, old.Secret, MqttProtocolVersion.V500))
        {
            Assert.Equal(MqttReasonCode.Success, await bDevice.Client.PublishAsync(old.Topic("telemetry"), """{"gps":"52.52,13.40"}""", MqttQualityOfService.AtLeastOnce, retain: true));
            Assert.Equal(MqttReasonCode.Success, await bDevice.Client.PublishAsync(old.Topic("shadow/reported"), """{"b_state":"private"}""", MqttQualityOfService.AtLeastOnce, retain: true));
        }

        await b.Http.DeleteAsync($"devices/{old.Serial}?force=true").ExpectAsync(HttpStatusCode.OK);
        await RegisterAsync(a, old.Serial);
        var control = await a.DeviceAsync();
        await using (var aDevice = await LiveMqtt.ConnectAsync(Server, control.Serial, control.Secret, MqttProtocolVersion.V500))
            Assert.Equal(MqttReasonCode.Success, await aDevice.Client.PublishAsync(control.Topic("telemetry"), """{"temp":1}""", MqttQualityOfService.AtLeastOnce, retain: true));

        await using var aSub = await LiveMqtt.ServiceAsync(Server, a.ApiKey, MqttProtocolVersion.V500);
        Assert.True((int)await aSub.SubscribeAsync("devices/#") < 0x80);
        var seen = new List<string>();
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            while (true)
            {
                var m = await aSub.Client.Messages.ReadAsync(cts.Token);
                seen.Add(m.Topic);
                if (m.Topic == control.Topic("telemetry")) break; // retained delivery works for this subscriber
            }
        }

        seen.AddRange(await aSub.DrainAsync(QuietWindow));
        Assert.DoesNotContain(seen, t => t.StartsWith($"devices/{old.Serial}/", StringComparison.Ordinal));
    }
}
