using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Rules;

/// <summary>Rule state lives in the database: restarts mid-schedule (missed-fire grace) and mid-firing.</summary>
public sealed class RulesRestartTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "ec-rules-restart-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly OffsetTimeProvider _clock = new();

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
        return Task.CompletedTask;
    }

    private EcServer Start() => new EcServer(clock: _clock, dataDir: _dataDir).Start();

    [Theory]
    [InlineData("2027-05-10T10:03:00Z", "fired")]   // 3 min late: within the 5 min grace, fires on start
    [InlineData("2027-05-10T10:10:00Z", "missed")]  // 10 min late: recorded as missed, nothing sent
    public async Task AFireMissedWhileDown_FiresOnStartWithinGrace_ElseIsRecordedMissed(string restartAt, string expected)
    {
        TestOrg org;
        string id, serial;
        _clock.Set("2027-05-10T09:59:00Z");
        await using (var first = Start())
        {
            org = await TestOrg.CreateAsync(first);
            serial = (await org.DeviceAsync()).Serial;
            id = (await org.DailyAsync("10:00"))["id"]!.GetValue<string>();
        }
        _clock.Set(restartAt);
        await using var second = Start();
        var again = await TestOrg.AdminAsync(second);
        var fires = await Eventually.ValueAsync(() => again.GetJsonAsync($"rules/{id}"), r => r["fires"]!.AsArray().Count == 1 && r["fires"]![0]!["status"]!.GetValue<string>() != "claimed");
        var fire = Assert.Single(fires["fires"]!.AsArray());
        Assert.Equal(expected, fire!["status"]!.GetValue<string>());
        Assert.Equal("2027-05-10T10:00:00Z", fire.Instant());
        var desired = (await again.GetJsonAsync($"devices/{serial}/shadow"))["desired"]!;
        if (expected == "fired") Assert.False(desired["relay"]!.GetValue<bool>());
        else Assert.Null(desired["relay"]);
    }

    [Fact]
    public async Task FiringState_SurvivesARestart_NoRefireUntilItClears()
    {
        TestOrg org;
        TestDevice d;
        string id;
        await using (var first = Start())
        {
            org = await TestOrg.CreateAsync(first);
            d = await org.DeviceAsync();
            await org.CreateProbeRuleAsync();
            id = (await org.CreateRuleAsync(RuleCalls.Threshold("co2", ">", 1000)))["id"]!.GetValue<string>();
            await d.SendAsync("""{"co2":1200}""");
            await Eventually.ValueAsync(() => org.GetAsync($"rules/{id}"), r => r["fire_count"]!.GetValue<long>() == 1);
        }

        await using var second = Start();
        var admin = await TestOrg.AdminAsync(second);
        var topic = d.Topic("shadow/desired");
        await using var sub = Mosquitto.Subscribe(Mosquitto.Connect(second, d.Serial, d.Secret), [topic], count: 2, timeoutSeconds: 30);
        await sub.WaitForSubAckAsync();
        async Task Send(string json)
        {
            using var r = await second.Http().PostRawAsync($"devices/{d.Serial}/telemetry", json, d.Secret);
            Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode);
        }
        // The outstanding desired state arrives on subscribe; then: still above → nothing new; the probe → arrives.
        await sub.WaitForLineAsync(l => l.StartsWith(topic + " ") && l.Contains("\"relay\":true"), what: "outstanding desired");
        await Send("""{"co2":1300}""");
        await Send("""{"probe":1}""");
        await sub.WaitForLineAsync(l => l.StartsWith(topic + " ") && l.Contains("\"probe_seen\":true"), what: "probe");
        var after = await admin.GetJsonAsync($"rules/{id}");
        Assert.Equal(1, after["fire_count"]!.GetValue<long>());
        Assert.Equal("firing", after["devices"]![0]!["state"]!.GetValue<string>());

        await Send("""{"co2":800}""");
        await Send("""{"co2":1200}""");
        await Eventually.ValueAsync(() => admin.GetJsonAsync($"rules/{id}"), r => r["fire_count"]!.GetValue<long>() == 2);
        Assert.Equal(2, (await admin.GetJsonAsync($"rules/{id}"))["fire_count"]!.GetValue<long>());
    }
}
