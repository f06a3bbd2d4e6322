using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Anomalies;

/// <summary>
/// Seed 001 "Anomaly Detection" end to end: real devices send telemetry over HTTP and MQTT, the real server detects, and
/// the anomalies are read back over the API. Every expected baseline is computed by hand in the test.
/// </summary>
public sealed class AnomalyDetectionTests : IAsyncLifetime
{
    private EcServer _server = null!;

    public Task InitializeAsync()
    {
        _server = new EcServer().Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static double D(JsonNode? n) => n!.GetValue<double>();
    private static string S(JsonNode? n) => n!.GetValue<string>();

    [Fact]
    public async Task ColdStart_NoAlertUntil29Readings_ThenTheWindowMeanIsTheBaseline()
    {
        var feed = await AnomalyFeed.CreateAsync(_server);
        // 28 readings of 20 °C, then 40 °C: +100 %, but only 28 readings came before it: no alert.
        await feed.HttpAsync(AnomalyFeed.Repeat("temp", 20, 28));
        await feed.HttpAsync("""{"temp":40}""");
        await feed.ControlAsync();
        Assert.Empty(await feed.AnomaliesAsync("temp"));

        // The window is now full (28 × 20 + 40): baseline 600 / 29 = 20.6897; 40 is +93.33 % → critical.
        await feed.HttpAsync("""{"temp":40}""");
        var a = Assert.Single(await feed.WaitForAsync("temp", 1));
        Assert.Equal("critical", S(a!["severity"]));
        Assert.Equal("rolling_mean", S(a["detector"]));
        Assert.Equal(40, D(a["value"]));
        Assert.Equal(600.0 / 29, D(a["baseline"]), 6);
        Assert.Equal(93.33, D(a["deviation_pct"]), 2);
        Assert.False(a["acknowledged"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Critical_SeedExample_IsStoredNotifiedAndStreamed()
    {
        var feed = await AnomalyFeed.CreateAsync(_server);
        await feed.HttpAsync(AnomalyFeed.Repeat("temp", 22.6, 29));
        await using var stream = await SseStream.OpenAsync(feed.Org.Http, $"orgs/{feed.Org.Id}/stream");
        await feed.HttpAsync("""{"temp":41.2}""");

        // Seed 001: "Critical: Temperature on EC-CLM-ROOM02 · Temperature is 82% above baseline · current: 41.2°C · avg: 22.6°C".
        var a = Assert.Single(await feed.WaitForAsync("temp", 1))!;
        Assert.Equal("critical", S(a["severity"]));
        Assert.Equal(22.6, D(a["baseline"]), 6);
        Assert.Equal(82.3, D(a["deviation_pct"]), 2); // (41.2 − 22.6) / 22.6 = 82.30 %
        Assert.Equal(feed.Device.Serial, S(a["serial"]));
        Assert.Equal(feed.Org.Id, S(a["org_id"]));

        // The notification is raised right after the anomaly is stored: wait for it.
        var notes = await Eventually.ValueAsync(async () => (await feed.Org.GetAsync($"orgs/{feed.Org.Id}/notifications")).AsArray(),
            l => l.Any(x => S(x!["kind"]) == "anomaly"), TimeSpan.FromSeconds(20));
        var n = Assert.Single(notes, x => S(x!["kind"]) == "anomaly" && S(x["title"]).Contains("Temperature"))!;
        Assert.Equal($"Critical: Temperature on {feed.Device.Serial}", S(n["title"]));
        Assert.Equal("critical", S(n["severity"]));
        Assert.Equal("Temperature is 82% above baseline\ncurrent: 41.2 °C · avg: 22.6 °C", S(n["body"]));

        var data = await stream.NextAsync("anomaly");
        Assert.Equal(S(a["id"]), S(data["id"]));
        Assert.Equal(82.3, D(data["deviation_pct"]), 2);
    }

    [Fact]
    public async Task Warning_ThenCriticalInsideTheCooldown_EscalatesAtOnce_ThenTheCooldownHolds_OverMqtt()
    {
        var feed = await AnomalyFeed.CreateAsync(_server);
        await feed.MqttAsync(AnomalyFeed.Repeat("temp", 20, 29));
        // 23.9 is +19.5 %: below the warning threshold.
        await feed.MqttAsync("""{"temp":23.9}""");
        await feed.ControlAsync();
        Assert.Empty(await feed.AnomaliesAsync("temp"));

        // Window: 28 × 20 + 23.9 = 583.9 / 29 = 20.1345; 25 → +24.17 % → warning.
        await feed.MqttAsync("""{"temp":25}""");
        var warning = Assert.Single(await feed.WaitForAsync("temp", 1))!;
        Assert.Equal("warning", S(warning["severity"]));
        Assert.Equal(583.9 / 29, D(warning["baseline"]), 6);
        Assert.Equal(24.17, D(warning["deviation_pct"]), 2);

        // Window: 27 × 20 + 23.9 + 25 = 588.9 / 29 = 20.3069; 30 → +47.73 % → critical, inside the cooldown: raised at once.
        await feed.MqttAsync("""{"temp":30}""");
        var list = await feed.WaitForAsync("temp", 2);
        Assert.Equal("critical", S(list[0]!["severity"]));
        Assert.Equal(588.9 / 29, D(list[0]!["baseline"]), 6);
        Assert.Equal(47.73, D(list[0]!["deviation_pct"]), 2);

        // Another critical (31 vs (26 × 20 + 23.9 + 25 + 30) / 29 = 20.6517: +50.1 %) and a warning are held back by the cooldown.
        await feed.MqttAsync("""{"temp":31}""", """{"temp":26}""");
        await feed.ControlAsync();
        Assert.Equal(2, (await feed.AnomaliesAsync("temp")).Count);
    }

    [Fact]
    public async Task BatteryBelowTheFloor_AlertsWithoutAFullWindow_ThenTheCooldownHolds()
    {
        var feed = await AnomalyFeed.CreateAsync(_server);
        await feed.HttpAsync("""{"bat":3.7}""", """{"bat":3.6}""", """{"bat":3.5}""");
        await feed.ControlAsync();
        Assert.Empty(await feed.AnomaliesAsync("bat")); // 3.5 is not below 3.5

        await feed.HttpAsync("""{"bat":3.4}""");
        var a = Assert.Single(await feed.WaitForAsync("bat", 1))!;
        Assert.Equal("critical", S(a["severity"]));
        Assert.Equal("floor", S(a["detector"]));
        Assert.Equal(3.6, D(a["baseline"]), 6); // mean of 3.7, 3.6, 3.5
        Assert.Equal(-5.56, D(a["deviation_pct"]), 2);

        await feed.HttpAsync("""{"bat":3.3}""");
        await feed.ControlAsync();
        Assert.Single(await feed.AnomaliesAsync("bat"));
    }

    [Fact]
    public async Task Cooldown_Expires30MinutesLater_OnTheServerClock()
    {
        var feed = await AnomalyFeed.CreateAsync(_server);
        await feed.HttpAsync(AnomalyFeed.Repeat("hum", 50, 29));
        await feed.HttpAsync("""{"hum":62}""");                    // +24 % vs 50 → warning
        await feed.WaitForAsync("hum", 1);
        await feed.HttpAsync("""{"hum":62}""");                    // (28 × 50 + 62) / 29 = 50.4138: +22.98 %, held back
        await feed.ControlAsync();
        Assert.Single(await feed.AnomaliesAsync("hum"));

        _server.Clock.Advance(TimeSpan.FromMinutes(29));
        await feed.HttpAsync("""{"hum":62}""");                    // (27 × 50 + 124) / 29 = 50.8276: +21.98 %, still inside 30 min
        await feed.ControlAsync();
        Assert.Single(await feed.AnomaliesAsync("hum"));

        _server.Clock.Advance(TimeSpan.FromMinutes(2));
        await feed.HttpAsync("""{"hum":63}""");                    // (26 × 50 + 186) / 29 = 51.2414: +22.95 % → warning again
        var list = await feed.WaitForAsync("hum", 2);
        Assert.Equal(63, D(list[0]!["value"]));
        Assert.Equal(1486.0 / 29, D(list[0]!["baseline"]), 6);
    }

    [Fact]
    public async Task NearZeroBaseline_NeedsTheMinimumAbsoluteChange()
    {
        var feed = await AnomalyFeed.CreateAsync(_server);
        await feed.HttpAsync(AnomalyFeed.Repeat("temp", 0.2, 29));
        await feed.HttpAsync("""{"temp":0.9}""");                  // +350 %, but only 0.7 °C: below temp's 1.0 minimum
        await feed.ControlAsync();
        Assert.Empty(await feed.AnomaliesAsync("temp"));

        await feed.HttpAsync("""{"temp":1.5}""");                  // baseline (28 × 0.2 + 0.9) / 29 = 0.22414: 1.276 °C, +569.2 %
        var a = Assert.Single(await feed.WaitForAsync("temp", 1))!;
        Assert.Equal("critical", S(a["severity"]));
        Assert.Equal(6.5 / 29, D(a["baseline"]), 6);
        Assert.Equal(569.23, D(a["deviation_pct"]), 2);
    }

    [Fact]
    public async Task SustainedNewLevel_BecomesTheBaseline_AndStopsAlerting()
    {
        var feed = await AnomalyFeed.CreateAsync(_server);
        await feed.MqttAsync(AnomalyFeed.Repeat("co2", 600, 29));
        await feed.MqttAsync(AnomalyFeed.Repeat("co2", 900, 15)); // first: +50 % → critical; the rest inside the cooldown
        await feed.WaitForAsync("co2", 1);
        await feed.ControlAsync();
        Assert.Single(await feed.AnomaliesAsync("co2"));

        // Anomalous readings enter the window: after 15 readings of 900 the baseline is (14 × 600 + 15 × 900) / 29 = 755.17,
        // and 900 is +19.18 %, under the warning threshold. Once the cooldown is over, the new level stays quiet.
        _server.Clock.Advance(TimeSpan.FromMinutes(31));
        await feed.MqttAsync(AnomalyFeed.Repeat("co2", 900, 30));
        await feed.ControlAsync();
        var a = Assert.Single(await feed.AnomaliesAsync("co2"))!;
        Assert.Equal(600, D(a["baseline"]), 6);
    }

    [Fact]
    public async Task ResentDuplicates_DoNotCountTwice()
    {
        var feed = await AnomalyFeed.CreateAsync(_server);
        var first = feed.NextTs;
        await feed.MqttAsync(AnomalyFeed.Repeat("temp", 20, 28));
        // A device re-sends its buffer: the same 28 readings (same ts and value) again.
        await feed.MqttRawAsync(Enumerable.Range(0, 28).Select(i => $$"""{"temp":20,"ts":{{first + i * 60_000}}}"""));
        await feed.MqttAsync("""{"temp":40}""");                    // 28 distinct readings before it: no alert
        await feed.ControlAsync();
        Assert.Empty(await feed.AnomaliesAsync("temp"));
    }
}
