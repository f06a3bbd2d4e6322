using System.Net;
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
}
