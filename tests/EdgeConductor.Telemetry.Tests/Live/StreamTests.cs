using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Live;

/// <summary>SSE /devices/:serial/stream and /orgs/:id/stream: telemetry and shadow events as they commit.</summary>
[Collection(ServerCollection.Name)]
public sealed class StreamTests(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    [Fact]
    public async Task DeviceStream_StartsWithTheShadow_ThenCarriesTelemetryAndShadowChanges()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await using var sse = await SseStream.OpenAsync(org.Http, $"devices/{d.Serial}/stream");
        var initial = await sse.NextAsync("shadow");
        Assert.Equal(d.Serial, initial["serial_no"]!.GetValue<string>());

        var r = await Mosquitto.PublishAsync(d, "telemetry", """{"temp":24.5,"co2":850}""", 1);
        Assert.True(r.ExitCode == 0, r.ToString());
        var telemetry = await sse.NextAsync("telemetry");
        Assert.Equal(d.Serial, telemetry["serial_no"]!.GetValue<string>());
        Assert.Equal(24.5, telemetry["data"]!["temp"]!.GetValue<double>());
        Assert.NotNull(telemetry["ts"]);
        var reported = await sse.NextAsync("shadow", s => s["reported"]?["co2"] is not null);
        Assert.Equal(850, reported["reported"]!["co2"]!.GetValue<int>());

        await org.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", """{"relay":true}""").ExpectAsync(HttpStatusCode.OK);
        var desired = await sse.NextAsync("shadow", s => s["desired"]?["relay"] is not null);
        Assert.True(desired["delta"]!["relay"]!.GetValue<bool>());
        Assert.True(desired["version"]!.GetValue<long>() > reported["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task TelemetryEvent_ArrivesOnlyAfterTheReadingIsQueryable()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await using var sse = await SseStream.OpenAsync(org.Http, $"devices/{d.Serial}/stream");
        await sse.NextAsync("shadow");

        var publish = Mosquitto.PublishAsync(d, "telemetry", """{"hum":61}""", 0);
        await sse.NextAsync("telemetry");
        var history = (JsonArray)await org.GetAsync($"devices/{d.Serial}/telemetry");
        Assert.Equal(61, Assert.Single(history)!["hum"]!.GetValue<int>());
        await publish;
    }

    [Fact]
    public async Task OrgStream_CarriesEveryDeviceOfTheOrg_AndNoOtherOrgs()
    {
        var org = await TestOrg.CreateAsync(Server);
        var other = await TestOrg.CreateAsync(Server);
        var a = await org.DeviceAsync();
        var b = await org.DeviceAsync();
        var foreign = await other.DeviceAsync();
        await using var sse = await SseStream.OpenAsync(org.Http, $"orgs/{org.Id}/stream");

        await other.Http.PostRawAsync($"devices/{foreign.Serial}/telemetry", """{"temp":99}""").ExpectAsync(HttpStatusCode.OK);
        await org.Http.PostRawAsync($"devices/{a.Serial}/telemetry", """{"temp":1}""").ExpectAsync(HttpStatusCode.OK);
        var r = await Mosquitto.PublishAsync(b, "telemetry", """{"temp":2}""", 1, 5);
        Assert.True(r.ExitCode == 0, r.ToString());
        await org.Http.PatchRawAsync($"devices/{b.Serial}/shadow/desired", """{"relay":false}""").ExpectAsync(HttpStatusCode.OK);

        var first = await sse.NextAsync("telemetry");
        var second = await sse.NextAsync("telemetry");
        Assert.Equal(new[] { a.Serial, b.Serial }.Order(), new[] { first["serial_no"]!.GetValue<string>(), second["serial_no"]!.GetValue<string>() }.Order());
        await sse.NextAsync("shadow", s => s["serial_no"]!.GetValue<string>() == b.Serial && s["desired"]?["relay"] is not null);

        var rest = await sse.DrainAsync(TimeSpan.FromMilliseconds(500));
        Assert.DoesNotContain(rest, e => e.Data["serial_no"]?.GetValue<string>() == foreign.Serial);
    }

    [Fact]
    public async Task Streams_OfAnotherOrg_Are404()
    {
        var org = await TestOrg.CreateAsync(Server);
        var other = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await other.Http.GetAsync($"orgs/{org.Id}/stream", HttpCompletionOption.ResponseHeadersRead).ExpectAsync(HttpStatusCode.NotFound);
        await other.Http.GetAsync($"devices/{d.Serial}/stream", HttpCompletionOption.ResponseHeadersRead).ExpectAsync(HttpStatusCode.NotFound);
        using var anon = Server.Http();
        await anon.GetAsync($"devices/{d.Serial}/stream", HttpCompletionOption.ResponseHeadersRead).ExpectAsync(HttpStatusCode.Unauthorized);
    }
}
