using System.Net;
using System.Text.Json.Nodes;
using ManualTimeProvider = EdgeConductor.Testing.ManualTimeProvider;
using EdgeConductor.Server.Presence;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeConductor.Telemetry.Tests.Presence;

/// <summary>A server whose clock stands still until the test moves it (EdgeConductor.Testing's ManualTimeProvider).</summary>
public sealed class ManualClockServerFixture : IAsyncLifetime
{
    public ManualTimeProvider Clock { get; } = new();

    internal EcServer Server { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Server = new EcServer(clock: Clock).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The background OfflineDetector runs on the injected clock: moving the clock is enough, nobody calls it.</summary>
public sealed class OfflineDetectorTests(ManualClockServerFixture fixture) : IClassFixture<ManualClockServerFixture>
{
    [Fact]
    public async Task AdvancingTheClockPast15Minutes_TheBackgroundDetectorAlertsOnce()
    {
        var server = fixture.Server;
        var org = await TestOrg.CreateAsync(server);
        var d = await org.DeviceAsync();
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"temp":21}""").ExpectAsync(HttpStatusCode.OK);

        async Task<int> OfflineEventsAsync()
        {
            var all = (JsonArray)await org.GetAsync($"orgs/{org.Id}/audit?action=device_offline");
            return all.Count(e => e!["target_id"]?.GetValue<string>() == d.Serial);
        }

        // After each move of the clock, wait for a detector pass that started at (or after) the moved time: then "no alert"
        // means the detector looked and found nothing, not that it has not run yet.
        async Task PassAtMovedClockAsync()
        {
            var detector = server.Services.GetServices<IHostedService>().OfType<OfflineDetector>().Single();
            var now = fixture.Clock.GetUtcNow();
            var seen = await Eventually.ValueAsync(() => Task.FromResult(detector.LastPassStartedAt), at => at >= now);
            Assert.True(seen >= now, $"no offline-detector pass at {now:O} (last pass started {seen:O})");
        }

        fixture.Clock.Advance(TimeSpan.FromMinutes(14));
        await PassAtMovedClockAsync();
        Assert.Equal(0, await OfflineEventsAsync());

        fixture.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await Eventually.ValueAsync(OfflineEventsAsync, n => n > 0));

        for (var i = 0; i < 3; i++)
        {
            fixture.Clock.Advance(TimeSpan.FromMinutes(1));
            await PassAtMovedClockAsync();
        }

        Assert.Equal(1, await OfflineEventsAsync());
        var notes = (JsonArray)await org.GetAsync($"orgs/{org.Id}/notifications");
        Assert.Single(notes, n => n!["kind"]!.GetValue<string>() == "device_offline" && n["device_serial"]?.GetValue<string>() == d.Serial);
    }
}
