using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Rules;

/// <summary>Two server instances on one PostgreSQL database: each scheduled instant fires exactly once.</summary>
public sealed class RulesPostgresTests : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() =>
        _database = await (await EdgeConductor.Testing.PostgresTestServer.GetAsync()).CreateDatabaseAsync("rules");

    public async Task DisposeAsync() =>
        await (await EdgeConductor.Testing.PostgresTestServer.GetAsync()).DropDatabaseAsync(_database);

    [Fact]
    public async Task TwoInstances_OneScheduledInstant_FiresOnce()
    {
        var clock = new OffsetTimeProvider();
        await using var a = new EcServer(postgres: _database, clock: clock).Start();
        await using var b = new EcServer(postgres: _database, clock: clock).Start();
        var org = await TestOrg.CreateAsync(a);
        var d1 = await org.DeviceAsync();
        var d2 = await org.DeviceAsync();
        clock.Set("2027-06-01T07:59:50Z");
        var id = (await org.DailyAsync("08:00"))["id"]!.GetValue<string>();
        // A threshold rule created through A is evaluated by B for a reading sent to B (state in the shared database).
        var threshold = (await org.CreateRuleAsync(RuleCalls.Threshold("co2", ">", 1000)))["id"]!.GetValue<string>();

        clock.Advance(TimeSpan.FromSeconds(15)); // both workers see 08:00 due on their next tick
        var fires = await org.FiresAsync(id, f => f.Count == 1 && f[0]!["status"]!.GetValue<string>() == "fired");
        Assert.Empty(a.Errors.Entries.Concat(b.Errors.Entries));
        Assert.Equal(2, fires[0]!["devices"]!.GetValue<long>());
        await Task.Delay(NothingArrives.Window * 2); // two more ticks of both workers
        var rule = await org.GetAsync($"rules/{id}");
        Assert.Single(rule["fires"]!.AsArray());
        Assert.Equal(2, rule["fire_count"]!.GetValue<long>()); // one fire per device, not per instance
        var audit = (await org.GetAsync($"orgs/{org.Id}/audit?limit=200")).AsArray();
        Assert.Equal(2, audit.Count(e => e!["action"]!.GetValue<string>() == "rule_fired" && e["target_id"]!.GetValue<string>() == id));

        using (var http = b.Http())
        using (var r = await http.PostRawAsync($"devices/{d1.Serial}/telemetry", """{"co2":1500}""", d1.Secret))
            Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode);
        var fired = await Eventually.ValueAsync(() => org.GetAsync($"rules/{threshold}"), x => x["fire_count"]!.GetValue<long>() == 1);
        Assert.Equal("firing", fired["devices"]![0]!["state"]!.GetValue<string>());
        Assert.Equal(d1.Serial, fired["devices"]![0]!["serial"]!.GetValue<string>());
        _ = d2;
    }
}
