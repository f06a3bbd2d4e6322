using System.Net;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Server.Mqtt;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Telemetry.Tests.Security;

/// <summary>
/// Issue 8, item 1: an MQTT session belongs to the principal that created it. Sessions are keyed by (principal, client
/// id), so devices of different orgs may use one client id (firmware often hard-codes it), never resume, kick or read
/// each other's sessions; the same principal reconnecting still takes its session over.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class MqttSessionOwnershipTests(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    private static Task DesiredAsync(TestDevice d, string json) =>
        d.Org.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", json).ExpectAsync(HttpStatusCode.OK);

    private static Task RebootAsync(TestDevice d) =>
        d.Org.Http.PostAsync($"devices/{d.Serial}/reboot", null).ExpectAsync(HttpStatusCode.Accepted);

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task OtherOrgsDevice_WithTheVictimsClientId_GetsAFreshSessionAndNothingOfTheVictims(int version)
    {
        var orgA = await TestOrg.CreateAsync(Server);
        var orgB = await TestOrg.CreateAsync(Server);
        var attacker = await orgA.DeviceAsync();
        var victim = await orgB.DeviceAsync();
        var clientId = "victim-" + Guid.NewGuid().ToString("N")[..8];
        var v5Expiry = version == 5 ? new[] { "-x", "3600" } : [];

        // B's device: mosquitto_sub -i victim -c -t 'devices/B/#' -q 1, subscribed, then gone.
        var b = await ExternalTool.MosquittoSubAsync([.. Mosquitto.As(victim, version), "-i", clientId, "-c", .. v5Expiry, "-t", $"devices/{victim.Serial}/#", "-q", "1", "-E"]);
        Assert.True(b.ExitCode == 0, b.ToString());
        await DesiredAsync(victim, """{"door_code":"4711"}""");
        await RebootAsync(victim);

        // A's device connects with the same client id and a persistent session.
        await using (var a = await MqttSessionClient.ConnectAsync(attacker, clientId, version))
        {
            Assert.False(a.LastConnAck!.SessionPresent);
            await a.SubscribeAsync($"devices/{attacker.Serial}/#", MqttQualityOfService.AtLeastOnce);
            await DesiredAsync(attacker, """{"own":"control"}""");
            var control = await a.ReceiveAsync();
            Assert.Equal(attacker.Topic("shadow/desired"), control.Topic);
            var leaked = await a.DrainAsync(MqttSessionClient.QuietWindow);
            Assert.DoesNotContain(leaked, m => m.Topic.Contains(victim.Serial, StringComparison.Ordinal) || m.Text().Contains("4711") || m.Text().Contains("reboot"));
            await a.DisconnectAsync();
        }

        // The literal reproduction with mosquitto_sub as A: only A's own traffic shows up.
        await using (var sub = Mosquitto.Subscribe(Mosquitto.As(attacker, version), [$"devices/{attacker.Serial}/#"], count: 100, timeoutSeconds: 15, 1, ["-i", clientId, "-c", .. v5Expiry]))
        {
            await sub.WaitForLineAsync(l => l.StartsWith("Subscribed"), what: "SUBACK");
            await DesiredAsync(attacker, """{"own":"second"}""");
            await sub.WaitForLineAsync(l => l.StartsWith(attacker.Topic("shadow/desired") + " ") && l.Contains("second"), what: "A's own desired state");
            await Task.Delay(MqttSessionClient.QuietWindow);
            Assert.DoesNotContain(sub.Lines, l => l.Contains(victim.Serial, StringComparison.Ordinal) || l.Contains("4711") || l.Contains("reboot"));
        }

        // B's session is intact: B resumes it without subscribing again and gets its queued desired state and command.
        await using var back = await MqttSessionClient.ConnectAsync(victim, clientId, version);
        Assert.True(back.LastConnAck!.SessionPresent);
        var got = new List<MqttEdgeMessage>();
        while (!(got.Any(m => m.Text.Contains("4711")) && got.Any(m => m.Topic == victim.Topic("commands") && m.Text.Contains("reboot"))))
        {
            var m = await back.ReceiveAsync();
            got.Add(new(m.Topic, m.Text()));
        }
    }

    private sealed record MqttEdgeMessage(string Topic, string Text);

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task TwoOrgsDevices_OnlineAtOnceWithOneClientId_NeitherIsKicked_EachGetsItsOwnMessages(int version)
    {
        var orgA = await TestOrg.CreateAsync(Server);
        var orgB = await TestOrg.CreateAsync(Server);
        var da = await orgA.DeviceAsync();
        var db = await orgB.DeviceAsync();
        var clientId = "ec-climate-fw-" + Guid.NewGuid().ToString("N")[..6];

        await using var first = await MqttSessionClient.ConnectAsync(da, clientId, version, persistent: false);
        MqttReasonCode? kicked = null;
        first.Disconnected = (code, _) => kicked = code ?? MqttReasonCode.UnspecifiedError;
        await first.SubscribeAsync($"devices/{da.Serial}/#", MqttQualityOfService.AtLeastOnce);

        await using var second = await MqttSessionClient.ConnectAsync(db, clientId, version, persistent: false);
        Assert.False(second.LastConnAck!.SessionPresent);
        await second.SubscribeAsync($"devices/{db.Serial}/#", MqttQualityOfService.AtLeastOnce);

        await DesiredAsync(da, """{"for":"a"}""");
        await DesiredAsync(db, """{"for":"b"}""");
        var ma = await first.ReceiveAsync();
        var mb = await second.ReceiveAsync();
        Assert.Equal(da.Topic("shadow/desired"), ma.Topic);
        Assert.Equal(db.Topic("shadow/desired"), mb.Topic);
        Assert.True(first.IsConnected);
        Assert.Null(kicked);
        Assert.Empty(await first.DrainAsync(MqttSessionClient.QuietWindow));
        Assert.Empty(await second.DrainAsync(TimeSpan.Zero));
    }

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task SameDeviceAndClientId_ReconnectingTakesItsSessionOver(int version)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var clientId = "takeover-" + Guid.NewGuid().ToString("N")[..8];
        await using var old = await MqttSessionClient.ConnectAsync(d, clientId, version);
        var closed = new TaskCompletionSource<MqttReasonCode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        old.Disconnected = (code, _) => closed.TrySetResult(code);
        await old.SubscribeAsync(d.Topic("commands"), MqttQualityOfService.AtLeastOnce);

        await using var fresh = await MqttSessionClient.ConnectAsync(d, clientId, version);
        Assert.True(fresh.LastConnAck!.SessionPresent);
        var code = await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        if (version == 5) Assert.Equal(MqttReasonCode.SessionTakenOver, code);

        await RebootAsync(d);
        Assert.Equal(d.Topic("commands"), (await fresh.ReceiveAsync()).Topic);
    }

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task ResumedDeviceSession_WithoutSubscribingAgain_CountsAsListening_SoACommandIsDeliveredLive(int version)
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var clientId = "resume-" + Guid.NewGuid().ToString("N")[..8];
        await using (var first = await MqttSessionClient.ConnectAsync(d, clientId, version))
        {
            await first.SubscribeAsync(d.Topic("commands"), MqttQualityOfService.AtLeastOnce);
            await first.DisconnectAsync();
        }

        await using var back = await MqttSessionClient.ConnectAsync(d, clientId, version);
        Assert.True(back.LastConnAck!.SessionPresent);
        var reboot = await d.Org.Http.PostAsync($"devices/{d.Serial}/reboot", null).ExpectAsync(HttpStatusCode.Accepted);
        Assert.True(reboot["delivered"]!.GetValue<bool>(), reboot.ToJsonString());
        Assert.Equal(d.Topic("commands"), (await back.ReceiveAsync()).Topic);
    }

    [Fact]
    public async Task EmptyClientIds_V5AssignedAndV311CleanSession_DevicesOfTwoOrgsEachGetTheirOwnSession()
    {
        var a = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var b = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        await using var va = await MqttSessionClient.ConnectAsync(a, "", 5, persistent: false);
        await using var vb = await MqttSessionClient.ConnectAsync(b, "", 5, persistent: false);
        var ida = va.LastConnAck!.Properties!.AssignedClientIdentifier;
        var idb = vb.LastConnAck!.Properties!.AssignedClientIdentifier;
        Assert.False(string.IsNullOrEmpty(ida));
        Assert.False(string.IsNullOrEmpty(idb));
        Assert.NotEqual(ida, idb);
        await using var v3 = await MqttSessionClient.ConnectAsync(b, "", 311, persistent: false);

        await va.SubscribeAsync(a.Topic("shadow/desired"), MqttQualityOfService.AtLeastOnce);
        await vb.SubscribeAsync(b.Topic("shadow/desired"), MqttQualityOfService.AtLeastOnce);
        await v3.SubscribeAsync(b.Topic("shadow/desired"), MqttQualityOfService.AtLeastOnce);
        await DesiredAsync(a, """{"x":1}""");
        await DesiredAsync(b, """{"x":2}""");
        Assert.Equal(a.Topic("shadow/desired"), (await va.ReceiveAsync()).Topic);
        Assert.Equal(b.Topic("shadow/desired"), (await vb.ReceiveAsync()).Topic);
        Assert.Equal(b.Topic("shadow/desired"), (await v3.ReceiveAsync()).Topic);
        Assert.Empty(await va.DrainAsync(MqttSessionClient.QuietWindow));
    }

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task ServiceClientStoredSubscription_ToADeviceMovedToAnotherOrg_IsDroppedWhenTheSessionResumes(int version)
    {
        var orgA = await TestOrg.CreateAsync(Server);
        var orgB = await TestOrg.CreateAsync(Server);
        var moved = await orgA.DeviceAsync();
        var kept = await orgA.DeviceAsync();
        var clientId = "backend-" + Guid.NewGuid().ToString("N")[..8];
        await using (var svc = await MqttSessionClient.ConnectServiceAsync(orgA, clientId, version))
        {
            await svc.SubscribeAsync(moved.Topic("#"), MqttQualityOfService.AtLeastOnce);
            await svc.SubscribeAsync(kept.Topic("#"), MqttQualityOfService.AtLeastOnce);
            await svc.DisconnectAsync();
        }

        using (var admin = await TestOrg.AdminAsync(Server))
        {
            await admin.PatchRawAsync($"devices/{moved.Serial}", $$"""{"org_id":"{{orgB.Id}}"}""").ExpectAsync(HttpStatusCode.OK);
        }

        // While the backend is away, org B (the new owner) sets the moved device's desired state; it lands in the old queue.
        var movedNow = moved with { Org = orgB };
        await DesiredAsync(movedNow, """{"door_code":"4711"}""");
        await DesiredAsync(kept, """{"still":"mine"}""");
        var broker = Server.Services.GetRequiredService<MqttBroker>();
        var key = new MqttSessionKey(MqttPrincipal.ServiceOwner(orgA.ApiKeyId), clientId);
        Assert.Equal(2, broker.GetSessionQueueState(key)!.Value.Queued);

        await using var back = await MqttSessionClient.ConnectServiceAsync(orgA, clientId, version);
        Assert.True(back.LastConnAck!.SessionPresent);
        var first = await back.ReceiveAsync();
        Assert.Equal(kept.Topic("shadow/desired"), first.Topic);
        Assert.Empty(await back.DrainAsync(MqttSessionClient.QuietWindow));

        // The withdrawn filter is gone from the session: new traffic of the moved device does not reach org A either.
        await DesiredAsync(movedNow, """{"door_code":"0000"}""");
        await DesiredAsync(kept, """{"control":true}""");
        Assert.Equal(kept.Topic("shadow/desired"), (await back.ReceiveAsync()).Topic);
        Assert.Empty(await back.DrainAsync(MqttSessionClient.QuietWindow));
    }
}
