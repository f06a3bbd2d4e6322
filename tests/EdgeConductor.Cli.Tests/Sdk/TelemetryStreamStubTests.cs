using System.Net;
using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Telemetry;

namespace EdgeConductor.Cli.Tests.Sdk;

/// <summary>Stream edge cases a live server will not produce on cue: dropped streams, no stream endpoint, network blips.</summary>
public sealed class TelemetryStreamStubTests
{
    private static EdgeConductorClient Client(StubHandler stub) => new(new HttpClient(stub), new EdgeConductorOptions
    {
        ApiKey = "ec_live_test",
        BaseUrl = new Uri("http://stub/api/v1"),
        TimeProvider = new RecordingTimeProvider(), // every wait is instant
    });

    private static string Recent(int t) => $$"""[{"ts":"2026-11-22T03:00:0{{t}}Z","t":{{t}}}]""";

    private static async Task<List<double>> TakeAsync(EdgeConductorClient ec, TelemetryStreamOptions options, int count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var values = new List<double>();
        await foreach (var r in ec.Telemetry.StreamAsync("A-1", options, cts.Token))
        {
            values.Add(r.GetNumber("t")!.Value);
            if (values.Count == count) break;
        }
        return values;
    }

    [Fact]
    public async Task Sse_ParsesTelemetryEvents_SkipsShadowAndRepeats_ReconnectsWhenDropped()
    {
        var stub = new StubHandler()
            .Respond(HttpStatusCode.OK, Recent(1))
            .Respond(HttpStatusCode.OK,
                ": connected\n\nevent: shadow\ndata: {\"serial_no\":\"A-1\",\"desired\":{},\"reported\":{},\"delta\":{},\"version\":1}\n\n" +
                "event: telemetry\ndata: {\"serial_no\":\"A-1\",\"ts\":\"2026-11-22T03:00:02Z\",\"data\":{\"t\":1}}\n\n" +
                "event: telemetry\ndata: {\"serial_no\":\"A-1\",\"ts\":\"2026-11-22T03:00:03Z\",\"data\":{\"t\":2}}\n\n",
                "text/event-stream")
            .Respond(HttpStatusCode.OK,
                ": ping\n\nevent: telemetry\ndata: {\"serial_no\":\"A-1\",\"ts\":\"2026-11-22T03:00:04Z\",\"data\":{\"t\":2}}\n\n" +
                "event: telemetry\ndata: {\"serial_no\":\"A-1\",\"ts\":\"2026-11-22T03:00:05Z\",\"data\":{\"t\":3}}\n\n",
                "text/event-stream");
        using var ec = Client(stub);

        var values = await TakeAsync(ec, new TelemetryStreamOptions(), 3);

        Assert.Equal([1.0, 2.0, 3.0], values);
        Assert.Equal(["devices/A-1/telemetry/recent?limit=1", "devices/A-1/stream", "devices/A-1/stream"],
            stub.Requests.Select(r => r.RequestUri!.PathAndQuery["/api/v1/".Length..]));
    }

    [Fact]
    public async Task NoStreamEndpoint_FallsBackToPolling_AndSurvivesANetworkBlip()
    {
        var stub = new StubHandler()
            .Respond(HttpStatusCode.OK, Recent(1))
            .Problem(404, "NOT_FOUND", "No resource at /api/v1/devices/A-1/stream.")
            .Respond(HttpStatusCode.OK, Recent(1))
            .Unreachable()
            .Respond(HttpStatusCode.OK, Recent(2));
        using var ec = Client(stub);

        var values = await TakeAsync(ec, new TelemetryStreamOptions { PollInterval = TimeSpan.FromSeconds(3) }, 2);

        Assert.Equal([1.0, 2.0], values);
        Assert.Equal(5, stub.Requests.Count);
    }

    [Fact]
    public async Task Polling_FirstRequestUnreachable_Throws()
    {
        var stub = new StubHandler().Unreachable();
        using var ec = Client(stub);

        await Assert.ThrowsAsync<HttpRequestException>(() => TakeAsync(ec, new TelemetryStreamOptions { UseServerSentEvents = false }, 1));
    }
}
