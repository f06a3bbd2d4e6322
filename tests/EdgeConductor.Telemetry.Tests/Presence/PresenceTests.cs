using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Presence;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Telemetry.Tests.Presence;

/// <summary>Its own server: these tests move the server's clock forward (15+ minutes of silence in no time).</summary>
public sealed class PresenceServerFixture : ServerFixture;

/// <summary>Online within 5 minutes; one device_offline audit event + notification after 15; device_online on return.</summary>
public sealed class PresenceTests(PresenceServerFixture fixture) : IClassFixture<PresenceServerFixture>
{
    private EcServer Server => fixture.Server;

    private PresenceService Presence => Server.Services.GetRequiredService<PresenceService>();

    private static async Task<JsonArray> AuditAsync(TestDevice d, string action)
    {
        var all = (JsonArray)await d.Org.GetAsync($"orgs/{d.Org.Id}/audit?action={action}");
        return new JsonArray(all.Where(e => e!["target_id"]?.GetValue<string>() == d.Serial).Select(e => e!.DeepClone()).ToArray());
    }

    private static async Task<JsonArray> NotificationsAsync(TestDevice d, string kind)
    {
        var all = (JsonArray)await d.Org.GetAsync($"orgs/{d.Org.Id}/notifications");
        return new JsonArray(all.Where(n => n!["kind"]!.GetValue<string>() == kind && n["device_serial"]?.GetValue<string>() == d.Serial)
            .Select(n => n!.DeepClone()).ToArray());
    }

    private static async Task<bool> OnlineAsync(TestDevice d) => (await d.Org.GetAsync($"devices/{d.Serial}"))["online"]!.GetValue<bool>();

    [Fact]
    public async Task Silence_OnlineFor5Minutes_ThenOneOfflineAlertAfter15_EvenAfterManyDetectorPasses()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var r = await Mosquitto.PublishAsync(d, "telemetry", """{"temp":21}""", 1);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(await OnlineAsync(d));

        Server.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.False(await OnlineAsync(d));
        Assert.DoesNotContain(d.Serial, await Presence.DetectOfflineAsync(CancellationToken.None));
        Assert.Empty(await AuditAsync(d, "device_offline"));

        Server.Clock.Advance(TimeSpan.FromMinutes(10)); // 16 minutes of silence
        var passes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Presence.DetectOfflineAsync(CancellationToken.None)));
        Assert.Equal(1, passes.Count(p => p.Contains(d.Serial)));
        Assert.DoesNotContain(d.Serial, await Presence.DetectOfflineAsync(CancellationToken.None));

        var audit = Assert.Single(await AuditAsync(d, "device_offline"))!;
        Assert.Equal("system", audit["actor_type"]!.GetValue<string>());
        var note = Assert.Single(await NotificationsAsync(d, "device_offline"))!;
        Assert.Contains(d.Serial, note["title"]!.GetValue<string>());
        Assert.False(await OnlineAsync(d));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("mqtt")]
    public async Task ReturningDevice_GetsOneOnlineEventAndNotification_AndIsOnline(string via)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"temp":21}""").ExpectAsync(HttpStatusCode.OK);
        Server.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Contains(d.Serial, await Presence.DetectOfflineAsync(CancellationToken.None));

        for (var i = 0; i < 2; i++)
        {
            if (via == "http")
            {
                using var anon = Server.Http();
                await anon.PostRawAsync($"devices/{d.Serial}/telemetry", """{"temp":22}""", d.Secret).ExpectAsync(HttpStatusCode.OK);
            }
            else
            {
                var r = await Mosquitto.PublishAsync(d, "shadow/reported", """{"relay":true}""", 1, 5);
                Assert.True(r.ExitCode == 0, r.ToString());
            }
        }

        Assert.True(await OnlineAsync(d));
        // Recorded right after the commit that acknowledged the reading, so poll briefly.
        Assert.Single(await Eventually.ValueAsync(() => AuditAsync(d, "device_online"), a => a.Count > 0));
        Assert.Single(await Eventually.ValueAsync(() => NotificationsAsync(d, "device_online"), a => a.Count > 0));

        // A second silence is a new episode: one more offline alert.
        Server.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Contains(d.Serial, await Presence.DetectOfflineAsync(CancellationToken.None));
        Assert.Equal(2, (await AuditAsync(d, "device_offline")).Count);
        Assert.Equal(2, (await NotificationsAsync(d, "device_offline")).Count);
    }

    [Fact]
    public async Task DeviceThatNeverReported_GetsNoOfflineAlert()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        Server.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.DoesNotContain(d.Serial, await Presence.DetectOfflineAsync(CancellationToken.None));
        Assert.False(await OnlineAsync(d));
        Assert.Empty(await NotificationsAsync(d, "device_offline"));
    }

    [Fact]
    public async Task BackfilledOldReading_DoesNotBringAnOfflineDeviceBackWithAnOldTime_ButCountsAsHeard()
    {
        // last_seen is the receive time, not the payload's ts: a device uploading its buffer is alive now.
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"temp":21}""").ExpectAsync(HttpStatusCode.OK);
        Server.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Contains(d.Serial, await Presence.DetectOfflineAsync(CancellationToken.None));

        var old = Server.Clock.GetUtcNow().AddMinutes(-15).ToUnixTimeMilliseconds();
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"temp":20,"ts":{{old}}}""").ExpectAsync(HttpStatusCode.OK);
        Assert.True(await OnlineAsync(d));
        Assert.Single(await Eventually.ValueAsync(() => AuditAsync(d, "device_online"), a => a.Count > 0));
        Assert.DoesNotContain(d.Serial, await Presence.DetectOfflineAsync(CancellationToken.None));
    }
}
