using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using EdgeConductor.Telemetry.Tests.Presence;

namespace EdgeConductor.Telemetry.Tests.Commands;

/// <summary>A reboot nobody collected expires after an hour (on its own movable-clock server).</summary>
public sealed class CommandExpiryTests(PresenceServerFixture fixture) : IClassFixture<PresenceServerFixture>
{
    [Fact]
    public async Task UncollectedReboot_ExpiresAfterAnHour_NeitherPolledNorSentOnSubscribe()
    {
        var server = fixture.Server;
        var org = await TestOrg.CreateAsync(server);
        var d = await org.DeviceAsync();
        await org.Http.PostAsync($"devices/{d.Serial}/reboot", null).ExpectAsync(HttpStatusCode.Accepted);
        server.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.True((await org.GetAsync($"devices/{d.Serial}/commands"))["reboot"]!.GetValue<bool>());

        server.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False((await org.GetAsync($"devices/{d.Serial}/commands"))["reboot"]!.GetValue<bool>());
        // Subscribed to commands and to shadow/desired: the expired reboot is not sent on subscribe, and a desired change
        // (the control) is, so the subscriber was listening.
        await using var sub = Mosquitto.Subscribe(Mosquitto.As(d), [d.Topic("commands"), d.Topic("shadow/desired")], count: 1);
        await sub.AssertNothingArrivesAsync(
            unwanted: l => l.StartsWith(d.Topic("commands") + " "),
            sendControl: () => org.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", """{"control":1}""").ExpectAsync(HttpStatusCode.OK),
            control: l => l.StartsWith(d.Topic("shadow/desired") + " ") && l.Contains("\"control\":1"));
    }

    [Fact]
    public async Task UnansweredCommands_ExpireOnTheInjectedClock_AndALateAnswerIsRefused()
    {
        var server = fixture.Server;
        var org = await TestOrg.CreateAsync(server);
        var d = await org.DeviceAsync();
        var queued = (await org.Http.PostRawAsync($"devices/{d.Serial}/commands", """{"cmd":"locate","expires_in":120}""").ExpectAsync(HttpStatusCode.Accepted))["id"]!.GetValue<string>();
        var acked = (await org.Http.PostRawAsync($"devices/{d.Serial}/commands", """{"cmd":"calibrate","expires_in":120}""").ExpectAsync(HttpStatusCode.Accepted))["id"]!.GetValue<string>();
        var done = (await org.Http.PostRawAsync($"devices/{d.Serial}/commands", """{"cmd":"beep","expires_in":120}""").ExpectAsync(HttpStatusCode.Accepted))["id"]!.GetValue<string>();
        using var device = server.Http();
        await device.PostRawAsync($"devices/{d.Serial}/commands/{acked}/ack", """{"status":"accepted"}""", d.Secret).ExpectAsync(HttpStatusCode.OK);
        await device.PostRawAsync($"devices/{d.Serial}/commands/{done}/ack", """{"status":"succeeded"}""", d.Secret).ExpectAsync(HttpStatusCode.OK);

        async Task<string> StateAsync(string id) => (await org.GetAsync($"devices/{d.Serial}/commands/{id}"))["state"]!.GetValue<string>();
        server.Clock.Advance(TimeSpan.FromSeconds(110));
        Assert.Equal("queued", await StateAsync(queued));
        Assert.Equal("acknowledged", await StateAsync(acked));

        server.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal("expired", await StateAsync(queued));
        Assert.Equal("expired", await StateAsync(acked));       // accepted but never finished
        Assert.Equal("succeeded", await StateAsync(done));      // a final answer stays

        var late = await device.PostRawAsync($"devices/{d.Serial}/commands/{acked}/ack", """{"status":"succeeded"}""", d.Secret).ExpectAsync(HttpStatusCode.Conflict);
        Assert.Contains("expired", late["detail"]!.GetValue<string>());
        Assert.Contains("RC:131", (await Mosquitto.PublishAsync(d, "commands/ack", $$"""{"id":"{{queued}}","status":"accepted"}""", 1, 5)).Stdout);
        Assert.Equal("expired", await StateAsync(queued));
        var polled = await org.GetAsync($"devices/{d.Serial}/commands");
        Assert.Empty(polled["commands"]!.AsArray());
    }
}
