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
        using (var r = await http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"temp":21.5,"ts":1790000000}""", d.Secret))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = await _observer.Seen.Reader.ReadAsync(timeout.Token);
        Assert.Equal(d.Serial, seen.Device.Serial);
        Assert.Equal(org.Id, seen.Device.OrgId);
        Assert.Equal(1_790_000_000_000, seen.Ts);
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
}
