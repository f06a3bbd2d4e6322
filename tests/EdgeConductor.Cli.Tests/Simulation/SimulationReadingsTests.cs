using EdgeConductor.Cli.Simulation;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Telemetry;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Cli.Tests.Simulation;

/// <summary>Readings of simulated devices against the real server: seq, counts, determinism, scale, buffering, faults.</summary>
[Collection(SimulationCollection.Name)]
public sealed class SimulationReadingsTests(SimulationServer server)
{
    private static async Task<List<TelemetryRecord>> HistoryAsync(EdgeConductorClient api, string serial) =>
        (await api.Telemetry.HistoryAsync(serial, 1, 100_000)).ToList();

    /// <summary>Starts the fleet, lets it run until <paramref name="done"/> holds (counted, not timed: this machine is often loaded), stops and summarizes.</summary>
    internal static async Task<SimulationSummary> RunUntilAsync(SimulationEngine sim, Func<SimulationSummary, bool> done)
    {
        await sim.StartAsync();
        var reached = await Eventually.ValueAsync(() => Task.FromResult(sim.Snapshot()), done, TimeSpan.FromSeconds(120));
        await sim.StopAsync();
        Assert.True(done(reached), $"the fleet did not get there in 120 s: {reached}");
        return await sim.SummarizeAsync();
    }

    private static List<long> Seqs(IEnumerable<TelemetryRecord> records) =>
        records.Select(r => r.GetNumber("seq")).Where(s => s is not null).Select(s => (long)s!.Value).OrderBy(s => s).ToList();

    [Fact]
    public async Task Mqtt_ReadingsArrive_SeqContiguous_AndStoredMatchesTheSummary()
    {
        var (org, key) = await server.CreateOrgAsync();
        using var api = server.Client(key);
        await using var sim = new SimulationEngine(server.Options("SIM-RD", count: 3) with { OrgId = org }, api);
        var summary = await RunUntilAsync(sim, s => s.Acknowledged >= 30);

        Assert.Equal(3, summary.Devices);
        Assert.True(summary.Sent >= 3 * 5, $"too few readings: {summary}");
        Assert.Equal(summary.Sent, summary.Acknowledged);
        Assert.Equal(summary.Sent, summary.Stored);
        Assert.Equal(0, summary.Lost);
        long total = 0;
        foreach (var d in sim.Devices)
        {
            var records = await HistoryAsync(api, d.SerialNo);
            var seqs = Seqs(records);
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs); // 1, 2, 3 … no gap, no duplicate
            total += seqs.Count;
            var first = records.Single(r => r.GetNumber("seq") == 1).Data;
            Assert.Equal("POWERON", first.GetProperty("reboot_reason").GetString());
            Assert.Equal("1.0.0", first.GetProperty("fw_version").GetString());
            foreach (var field in new[] { "temp", "hum", "co2", "bat", "signal", "heap", "uptime", "relay" })
                Assert.True(first.TryGetProperty(field, out _), $"EC-CLIMATE-V1 reading without {field}: {first}");
        }
        Assert.Equal(summary.Stored, total);
        Assert.Equal(summary.Readings, total + summary.Buffered);
    }

    [Fact]
    public async Task SameSeed_SameValues_OtherSeed_OtherValues()
    {
        var (org, key) = await server.CreateOrgAsync();
        using var api = server.Client(key);

        async Task<Dictionary<long, string>> RunAsync(string prefix, int seed)
        {
            await using var sim = new SimulationEngine(server.Options(prefix) with { OrgId = org, Seed = seed }, api);
            await RunUntilAsync(sim, s => s.Acknowledged >= 10);
            var records = await HistoryAsync(api, sim.Devices[0].SerialNo);
            return records.Where(r => r.GetNumber("seq") is not null).ToDictionary(r => (long)r.GetNumber("seq")!.Value,
                r => string.Join(",", new[] { "temp", "hum", "co2", "bat", "signal", "heap" }.Select(f => r.GetNumber(f))));
        }

        var a = await RunAsync("SIM-DA", 42);
        var b = await RunAsync("SIM-DB", 42);
        var c = await RunAsync("SIM-DC", 43);
        var common = a.Keys.Intersect(b.Keys).Intersect(c.Keys).Order().ToList();
        Assert.True(common.Count >= 5, $"only {common.Count} readings in common");
        Assert.Equal(common.Select(s => a[s]), common.Select(s => b[s]));
        Assert.NotEqual(common.Select(s => a[s]), common.Select(s => c[s]));
    }

    [Fact]
    public async Task HundredAndTwentyDevices_AtOnce_NothingLost()
    {
        var (org, key) = await server.CreateOrgAsync();
        using var api = server.Client(key);
        await using var sim = new SimulationEngine(server.Options("SIM-FLEET", count: 120, intervalSeconds: 0.5) with { OrgId = org }, api);
        var summary = await RunUntilAsync(sim, s => s.Acknowledged >= 120 * 3);

        Assert.Equal(120, summary.Devices);
        Assert.True(summary.Sent >= 120 * 2, summary.ToString());
        Assert.Equal(summary.Sent, summary.Stored);
        Assert.Equal(0, summary.Lost);
        Assert.Equal(0, summary.Errors);
        var devices = await api.Devices.ListAsync(new EdgeConductor.Sdk.Devices.DeviceListOptions { Limit = 500 });
        Assert.Equal(120, devices.Count(d => d.SerialNo.StartsWith("SIM-FLEET-", StringComparison.Ordinal) && d.LastSeen is not null));
    }

    [Theory]
    [InlineData(SimulationTransport.Mqtt)]
    [InlineData(SimulationTransport.Https)]
    public async Task Tracker_BuffersOutOfCoverage_AndUploadsBatchesWithTheirOwnTs(SimulationTransport transport)
    {
        var (org, key) = await server.CreateOrgAsync();
        using var api = server.Client(key);
        await using var sim = new SimulationEngine(server.Options("SIM-TRK-" + transport, SimulationProfile.Tracker, transport: transport)
            with { OrgId = org, CoverageLossRate = 0.3 }, api);
        var summary = await RunUntilAsync(sim, s => s.BatchUploads >= 2 && s.Acknowledged >= 20);

        Assert.True(summary.BatchUploads >= 1, summary.ToString());
        Assert.Equal(summary.Sent, summary.Stored);
        var records = await HistoryAsync(api, sim.Devices[0].SerialNo);
        var seqs = Seqs(records);
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.Equal(summary.Readings - summary.Buffered, seqs.Count);
        // Buffered readings keep the time they were taken: stored ts follow seq order, about one interval apart.
        var bySeq = records.Where(r => r.GetNumber("seq") is not null).OrderBy(r => r.GetNumber("seq")).ToList();
        for (var i = 1; i < bySeq.Count; i++) Assert.True(bySeq[i].Ts > bySeq[i - 1].Ts, $"seq {i + 1} is not after seq {i}");
        var first = bySeq[0].Data;
        foreach (var field in new[] { "lat", "lng", "speed", "gps_fix", "sats", "ttff", "bat", "signal" })
            Assert.True(first.TryGetProperty(field, out _), $"tracker reading without {field}: {first}");
    }

    [Fact]
    public async Task Spikes_CreateAnomalies()
    {
        var (org, key) = await server.CreateOrgAsync();
        using var api = server.Client(key);
        await using var sim = new SimulationEngine(server.Options("SIM-SPIKE", intervalSeconds: 0.05) with { OrgId = org, SpikeRate = 0.1 }, api);
        // Past the detector's 29-reading baseline window with a few spikes after it.
        var summary = await RunUntilAsync(sim, s => s.Acknowledged >= 80);
        Assert.True(summary.Acknowledged >= 80 && summary.Spikes > 0, summary.ToString());

        var anomalies = await Eventually.ValueAsync(() => api.Anomalies.ListAsync(org), a => a.Count > 0);
        Assert.Contains(anomalies, a => a.Serial == sim.Devices[0].SerialNo && a.Field is "temp" or "co2" or "hum");
    }

    [Fact]
    public async Task OfflineAndFlapping_Disconnect_ButLoseNothingAcknowledged()
    {
        var (org, key) = await server.CreateOrgAsync();
        using var api = server.Client(key);
        await using var sim = new SimulationEngine(server.Options("SIM-FLAP", count: 2, intervalSeconds: 0.1, durationSeconds: 5) with
        {
            OrgId = org,
            OfflineFor = TimeSpan.FromSeconds(1.5),
            OfflineAfter = TimeSpan.FromSeconds(1),
            FlapEvery = TimeSpan.FromSeconds(0.7),
        }, api);
        var summary = await sim.RunAsync();

        Assert.True(summary.Disconnects >= 2 * 2, summary.ToString()); // each device: the outage and at least one flap
        Assert.Equal(summary.Sent, summary.Stored);
        foreach (var d in sim.Devices)
        {
            var records = await HistoryAsync(api, d.SerialNo);
            var seqs = Seqs(records);
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
            // The offline period shows as a gap of at least ~1.5 s between two consecutive readings.
            var ts = records.Where(r => r.GetNumber("seq") is not null).OrderBy(r => r.GetNumber("seq")).Select(r => r.Ts).ToList();
            var longest = ts.Zip(ts.Skip(1), (x, y) => y - x).Max();
            Assert.True(longest >= TimeSpan.FromSeconds(1.3), $"no offline gap: longest {longest}");
        }
    }

    [Fact]
    public async Task SecondRun_OnTheSameSerials_RotatesTheirSecrets_AndCountsOnlyItsOwnReadings()
    {
        var (org, key) = await server.CreateOrgAsync();
        using var api = server.Client(key);
        // The first run is longer: had the second counted the first's seq 1, 2, … too, it would find more than it sent.
        var options = server.Options("SIM-AGAIN", count: 2, durationSeconds: 1.5) with { OrgId = org };
        string firstSecret;
        await using (var first = new SimulationEngine(options with { Duration = TimeSpan.FromSeconds(3) }, api))
        {
            var one = await first.RunAsync();
            Assert.Equal(one.Sent, one.Stored);
            firstSecret = first.Devices[0].DeviceSecret;
        }

        await using var second = new SimulationEngine(options, api);
        var two = await second.RunAsync();
        Assert.NotEqual(firstSecret, second.Devices[0].DeviceSecret); // the old secret was shown once: a new one was issued
        Assert.True(two.Sent > 0 && two.Acknowledged == two.Sent, two.ToString());
        Assert.Equal(two.Sent, two.Stored); // the first run's seq 1, 2, … are not counted again
        Assert.Equal(0, two.Lost);
    }
}
