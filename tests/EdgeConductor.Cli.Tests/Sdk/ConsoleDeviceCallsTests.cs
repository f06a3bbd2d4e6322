using System.Text.Json.Nodes;
using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Devices;
using EdgeConductor.Sdk.Live;
using EdgeConductor.Sdk.Telemetry;

namespace EdgeConductor.Cli.Tests.Sdk;

/// <summary>The SDK calls the web console's device pages are built on, against the real in-process server.</summary>
[Collection(ServerCollection.Name)]
public sealed class ConsoleDeviceCallsTests(ServerFixture server)
{
    [Fact]
    public async Task ListPageAsync_SearchTagAndTotal()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);
        for (var i = 0; i < 5; i++) await ec.Devices.RegisterAsync($"CON-PAGE-{i}", "EC-CLIMATE-V1");
        await ec.Devices.RegisterAsync("CON-OTHER-1", "tracker");
        await ec.Devices.AssignAsync("CON-PAGE-3", new DeviceAssignment { Tags = ["lab"] });

        var page = await ec.Devices.ListPageAsync(new DeviceListOptions { Search = "page", Limit = 2, Offset = 1 });
        var tagged = await ec.Devices.ListPageAsync(new DeviceListOptions { Tag = "lab" });

        Assert.Equal(5, page.Total);
        Assert.Equal(["CON-PAGE-1", "CON-PAGE-2"], page.Items.Select(d => d.SerialNo));
        Assert.Equal(["CON-PAGE-3"], tagged.Items.Select(d => d.SerialNo));
        Assert.Equal(1, tagged.Total);
    }

    [Fact]
    public async Task RotateSecretAsync_ReturnsAWorkingNewSecret()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);
        var first = await ec.Devices.RegisterAsync("CON-ROT-1", "tracker");

        var rotated = await ec.Devices.RotateSecretAsync("CON-ROT-1");

        Assert.Equal("CON-ROT-1", rotated.SerialNo);
        Assert.NotEqual(first.DeviceSecret, rotated.DeviceSecret);
        await server.AssertDeviceSecretWorksAsync("CON-ROT-1", rotated.DeviceSecret);
    }

    [Theory]
    [InlineData(1, "1m")]
    [InlineData(6, "1m")]
    [InlineData(24, "1m")]
    [InlineData(168, "15m")]
    public void AggregateInterval_KeepsEachRangeWithin2000Points(int hours, string expected)
    {
        var interval = AggregateInterval.For(TimeSpan.FromHours(hours));
        var length = AggregateInterval.All.Single(i => i.Name == interval).Length;

        Assert.Equal(expected, interval);
        Assert.True(TimeSpan.FromHours(hours) / length <= 2000);
    }

    [Fact]
    public async Task AggregateRangeAsync_ReturnsBucketsOfTheMetric()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);
        await ec.Devices.RegisterAsync("CON-AGG-1", "EC-CLIMATE-V1");
        await ec.Telemetry.PushAsync("CON-AGG-1", new { temp = 20.0 });
        await ec.Telemetry.PushAsync("CON-AGG-1", new { temp = 22.0 });

        var buckets = await ec.Telemetry.AggregateRangeAsync("CON-AGG-1", "temp", TimeSpan.FromDays(7));
        var hum = await ec.Telemetry.AggregateRangeAsync("CON-AGG-1", "hum", TimeSpan.FromHours(1));

        var b = Assert.Single(buckets);
        Assert.Equal(2, b.Count);
        Assert.Equal(21.0, b.Avg);
        Assert.Equal(20.0, b.Min);
        Assert.Equal(22.0, b.Max);
        Assert.Empty(hum);
    }

    [Fact]
    public async Task AuditListForDeviceAsync_OnlyThatDevice()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);
        await ec.Devices.RegisterAsync("CON-AUD-1", "tracker");
        await ec.Devices.RegisterAsync("CON-AUD-2", "tracker");
        await ec.Devices.RotateSecretAsync("CON-AUD-1");

        var trail = await ec.Audit.ListForDeviceAsync(org.Id, "CON-AUD-1");

        Assert.Equal(["device_secret_rotated", "device_registered"], trail.Select(e => e.Action));
    }

    [Fact]
    public async Task PatchDesiredAsync_StaleVersion_Throws409AndChangesNothing()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);
        await ec.Devices.RegisterAsync("CON-DES-1", "EC-CLIMATE-V1");
        var shadow = await ec.Devices.GetFullShadowAsync("CON-DES-1");

        var ok = await ec.Devices.PatchDesiredAsync("CON-DES-1", new JsonObject { ["relay"] = true }, shadow.Version);
        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() =>
            ec.Devices.PatchDesiredAsync("CON-DES-1", new JsonObject { ["relay"] = false }, shadow.Version));

        Assert.True(ok.Desired.GetProperty("relay").GetBoolean());
        Assert.Equal(409, ex.Status);
        Assert.True((await ec.Devices.GetFullShadowAsync("CON-DES-1")).Desired.GetProperty("relay").GetBoolean());
    }

    [Fact]
    public async Task LiveDeviceAsync_YieldsShadowFirstThenCommittedTelemetry()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);
        await ec.Devices.RegisterAsync("CON-LIVE-1", "EC-CLIMATE-V1");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await using var e = ec.Live.DeviceAsync("CON-LIVE-1", cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await e.MoveNextAsync()); // the opening shadow event: the stream is subscribed from here on
        Assert.Equal(LiveEvent.Shadow, e.Current.Type);
        await ec.Telemetry.PushAsync("CON-LIVE-1", new { temp = 23.5 }, cts.Token);
        LiveEvent telemetry;
        do
        {
            Assert.True(await e.MoveNextAsync());
            telemetry = e.Current;
        } while (telemetry.Type != LiveEvent.Telemetry);

        Assert.Equal("CON-LIVE-1", telemetry.SerialNo);
        Assert.Equal(23.5, telemetry.Data.GetProperty("data").GetProperty("temp").GetDouble());
    }

    [Fact]
    public async Task LiveDeviceAsync_UnknownDevice_Throws404()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);

        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(async () =>
        {
            await foreach (var _ in ec.Live.DeviceAsync("CON-NOPE")) break;
        });

        Assert.Equal(404, ex.Status);
    }
}
