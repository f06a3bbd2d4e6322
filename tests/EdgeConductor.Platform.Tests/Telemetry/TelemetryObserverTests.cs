using System.Net;
using System.Threading.Channels;
using EdgeConductor.Server.Telemetry;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Platform.Tests.Telemetry;

/// <summary>Records every committed reading it is told about (the seam rules, anomalies and OTA build on).</summary>
internal sealed class RecordingObserver : ITelemetryObserver
{
    public Channel<CommittedReading> Seen { get; } = Channel.CreateUnbounded<CommittedReading>();

    public ValueTask OnCommittedAsync(IReadOnlyList<CommittedReading> readings, CancellationToken ct)
    {
        foreach (var r in readings) Seen.Writer.TryWrite(r);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Features see each committed telemetry reading once, with the device's current org and the reading's own time.</summary>
public sealed class TelemetryObserverTests : IAsyncLifetime
{
    private readonly RecordingObserver _observer = new();
    private EcServer _server = null!;

    public Task InitializeAsync()
    {
        _server = new EcServer(services: s => s.AddSingleton<ITelemetryObserver>(_observer)).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ACommittedHttpsReading_ReachesTheObserver_WithItsOrgTimeAndValues()
    {
        var org = await TestOrg.CreateAsync(_server);
        var d = await org.DeviceAsync();
        using var http = _server.Http();
        var seconds = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds(); // within the org's retention (ingest refuses older)
        using (var r = await http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"temp":21.5,"ts":{{seconds}}}""", d.Secret))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = await _observer.Seen.Reader.ReadAsync(timeout.Token);
        Assert.Equal(d.Serial, seen.Device.Serial);
        Assert.Equal(org.Id, seen.Device.OrgId);
        Assert.Equal(seconds * 1000, seen.Ts);
        var (key, value) = Assert.Single(seen.Readings);
        Assert.Equal("temp", key);
        Assert.Equal(21.5, value!.GetValue<double>());
    }

    [Fact]
    public async Task AShadowReport_IsNotATelemetryReading()
    {
        var org = await TestOrg.CreateAsync(_server);
        var d = await org.DeviceAsync();
        using var http = _server.Http();
        var published = await Mosquitto.PublishAsync(d, "shadow/reported", """{"relay":true}""", 1, 5);
        Assert.Equal(0, published.ExitCode);
        // Control: a telemetry message sent after it is the first thing the observer sees from this device.
        using (var r = await http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"n":1}""", d.Secret))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        CommittedReading seen;
        do seen = await _observer.Seen.Reader.ReadAsync(timeout.Token); while (seen.Device.Serial != d.Serial);
        Assert.Equal("n", Assert.Single(seen.Readings).Key);
    }

    [Fact]
    public async Task ABufferedArray_GivesOneReadingPerStoredReading_WithItsOwnTs_AndAReSentBufferOnlyItsNewReading()
    {
        var org = await TestOrg.CreateAsync(_server);
        var d = await org.DeviceAsync();
        using var http = _server.Http();
        var t0 = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds();
        var buffer = $$"""[{"n":2,"ts":{{t0 + 2000}}},{"n":1,"ts":{{t0 + 1000}}},{"n":3,"ts":{{t0 + 3000}}}]""";
        using (var r = await http.PostRawAsync($"devices/{d.Serial}/telemetry", buffer, d.Secret))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // The same buffer re-sent (its response was lost) with one new reading: only the new one is stored and observed.
        var resent = buffer[..^1] + $$""",{"n":4,"ts":{{t0 + 4000}}}]""";
        var published = await Mosquitto.PublishAsync(d, "telemetry", resent, 1, 5);
        Assert.Equal(0, published.ExitCode);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<CommittedReading>();
        while (seen.Count < 4)
        {
            var r = await _observer.Seen.Reader.ReadAsync(timeout.Token);
            if (r.Device.Serial == d.Serial) seen.Add(r);
        }
        Assert.Equal(new long[] { 2, 1, 3, 4 }, seen.Select(r => Assert.Single(r.Readings).Value!.GetValue<long>()).ToArray());
        Assert.Equal(new[] { t0 + 2000, t0 + 1000, t0 + 3000, t0 + 4000 }, seen.Select(r => r.Ts).ToArray());
        Assert.All(seen, r => Assert.Equal(org.Id, r.Device.OrgId));
    }
}
