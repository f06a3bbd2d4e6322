using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Telemetry;

namespace EdgeConductor.Cli.Tests.Sdk;

[Collection(ServerCollection.Name)]
public sealed class TelemetryClientTests(ServerFixture server)
{
    [Fact]
    public async Task PushThenHistoryAndRecent_OrderAndFlatPayload()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);
        await ec.Devices.RegisterAsync("SDK-TEL-1", "EC-CLIMATE-V1");

        var push = await ec.Telemetry.PushAsync("SDK-TEL-1", new { temp = 21.0, hum = 50 });
        await ec.Telemetry.PushAsync("SDK-TEL-1", new Dictionary<string, object> { ["temp"] = 22.0, ["co2"] = 900 });
        await ec.Telemetry.PushAsync("SDK-TEL-1", new { temp = 23.0 });
        var history = await ec.Telemetry.HistoryAsync("SDK-TEL-1", hours: 1);
        var recent = await ec.Telemetry.RecentAsync("SDK-TEL-1", 2);

        Assert.True(push.Ok);
        Assert.NotNull(push.Ts);
        Assert.Equal([21.0, 22.0, 23.0], history.Select(r => r.GetNumber("temp")!.Value));
        Assert.Equal(900, history[1].GetNumber("co2"));
        Assert.False(history[0].Data.TryGetProperty("ts", out _));
        Assert.True(history[0].Ts > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal([23.0, 22.0], recent.Select(r => r.GetNumber("temp")!.Value));
    }

    [Fact]
    public async Task HistoryAsync_HoursOutOfRange_ThrowsBeforeCallingServer()
    {
        using var ec = server.Client("ec_live_unused");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ec.Telemetry.HistoryAsync("X", hours: 169));
    }

    [Fact]
    public async Task Push_UnknownDevice_Throws404()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);

        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() => ec.Telemetry.PushAsync("SDK-NOPE", new { temp = 1 }));

        Assert.Equal(404, ex.Status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StreamAsync_YieldsLatestThenOnlyChangedPayloads(bool serverSentEvents)
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);
        var serial = serverSentEvents ? "SDK-STREAM-SSE" : "SDK-STREAM-POLL";
        await ec.Devices.RegisterAsync(serial, "tracker");
        await ec.Telemetry.PushAsync(serial, new { speed = 1 });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var options = new TelemetryStreamOptions { PollInterval = TimeSpan.FromMilliseconds(100), UseServerSentEvents = serverSentEvents };

        await using var e = ec.Telemetry.StreamAsync(serial, options, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await e.MoveNextAsync());
        Assert.Equal(1, e.Current.GetNumber("speed"));

        // The live subscription starts inside MoveNext: keep pushing the same payload until it arrives (repeats are filtered).
        var second = await PushUntilYieldedAsync(ec, serial, new { speed = 2 }, e, cts.Token);
        Assert.Equal(2, second.GetNumber("speed"));

        await ec.Telemetry.PushAsync(serial, new { speed = 2 }, cts.Token); // unchanged: skipped
        var third = await PushUntilYieldedAsync(ec, serial, new { speed = 3 }, e, cts.Token);
        Assert.Equal(3, third.GetNumber("speed"));
    }

    private static async Task<TelemetryRecord> PushUntilYieldedAsync(EdgeConductorClient ec, string serial, object payload,
        IAsyncEnumerator<TelemetryRecord> e, CancellationToken ct)
    {
        var next = e.MoveNextAsync().AsTask();
        while (!next.IsCompleted)
        {
            await ec.Telemetry.PushAsync(serial, payload, ct);
            await Task.WhenAny(next, Task.Delay(150, ct));
        }
        Assert.True(await next);
        return e.Current;
    }

    [Fact]
    public void ParseStreamTelemetry_ReadsServerEvent()
    {
        var now = DateTimeOffset.UnixEpoch;
        var r = TelemetryClient.ParseStreamTelemetry("""{"serial_no":"A","ts":"2026-11-22T03:00:00.000Z","data":{"temp":24.5}}""", now);

        Assert.NotNull(r);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero), r.Ts);
        Assert.Equal(24.5, r.GetNumber("temp"));
        Assert.Null(TelemetryClient.ParseStreamTelemetry("not json", now));
        Assert.Null(TelemetryClient.ParseStreamTelemetry("""{"serial_no":"A"}""", now));
    }
}
