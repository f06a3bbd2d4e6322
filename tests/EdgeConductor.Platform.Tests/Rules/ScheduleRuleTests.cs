using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Rules;

/// <summary>
/// Schedule rules on the real server with its clock moved (real time plus an offset): the org's time zone, DST days in
/// Europe/Berlin and America/New_York, once per instant, the 90 s debounce. A real MQTT device receives the action.
/// </summary>
public sealed class ScheduleRuleTests(RulesServer fixture) : IClassFixture<RulesServer>
{
    private EcServer Server => fixture.Server;

    /// <summary>Negative windows: the worker ticks every second, so two windows see at least two passes.</summary>
    private static Task TwoTicks() => Task.Delay(NothingArrives.Window * 2);

    [Fact]
    public async Task Berlin_SpringForward_0230_FiresOnceAt0330Cest()
    {
        var org = await TestOrg.CreateAsync(Server);
        await org.SetTimezoneAsync("Europe/Berlin");
        var d = await org.DeviceAsync();
        Server.Clock.Set("2027-03-28T01:29:50Z");
        var rule = await org.DailyAsync("02:30");
        var id = rule["id"]!.GetValue<string>();
        var explained = await org.GetAsync($"rules/{id}");
        Assert.Equal("Europe/Berlin", explained["timezone"]!.GetValue<string>());
        Assert.Equal(new DateTime(2027, 3, 28, 1, 30, 0, DateTimeKind.Utc), explained["next_fire"]!.GetValue<DateTime>().ToUniversalTime());

        await using var sub = await d.ListenAsync(count: 1);
        Server.Clock.Advance(TimeSpan.FromSeconds(15));
        await sub.WaitForDesiredAsync(d, "\"relay\":false");
        var fires = await org.FiresAsync(id, f => f.Count == 1 && f[0]!["status"]!.GetValue<string>() == "fired");
        Assert.Equal("2027-03-28T01:30:00Z", fires[0]!.Instant());
        Assert.Equal(1, fires[0]!["devices"]!.GetValue<long>());

        // Later that day (local 03:31 … 05:30) nothing else is due: still one fire.
        Server.Clock.Advance(TimeSpan.FromHours(2));
        await TwoTicks();
        Assert.Single((await org.GetAsync($"rules/{id}"))["fires"]!.AsArray());
        Assert.Equal(1, (await org.GetAsync($"rules/{id}"))["fire_count"]!.GetValue<long>());
    }

    [Fact]
    public async Task NewYork_FallBack_0130_FiresOnce_AtTheFirstOccurrence()
    {
        var org = await TestOrg.CreateAsync(Server);
        await org.SetTimezoneAsync("America/New_York");
        await org.DeviceAsync();
        Server.Clock.Set("2027-11-07T05:29:50Z"); // 01:29:50 EDT
        var id = (await org.DailyAsync("01:30"))["id"]!.GetValue<string>();
        Server.Clock.Advance(TimeSpan.FromSeconds(15));
        var fires = await org.FiresAsync(id, f => f.Count == 1 && f[0]!["status"]!.GetValue<string>() == "fired");
        Assert.Equal("2027-11-07T05:30:00Z", fires[0]!.Instant());

        Server.Clock.Set("2027-11-07T06:30:05Z"); // 01:30:05 EST: the same local time again
        await TwoTicks();
        var after = await org.GetAsync($"rules/{id}");
        Assert.Single(after["fires"]!.AsArray());
        Assert.Equal(1, after["fire_count"]!.GetValue<long>());
    }

    [Fact]
    public async Task Weekdays_OnlyTheListedDaysFire_InTheOrgZone()
    {
        var org = await TestOrg.CreateAsync(Server);
        await org.SetTimezoneAsync("Europe/Berlin");
        await org.DeviceAsync();
        // Saturday 2027-07-03 22:00 CEST = 20:00Z: a Mon–Fri rule does not fire; Monday's does.
        Server.Clock.Set("2027-07-03T19:59:50Z");
        var id = (await org.CreateRuleAsync(new { name = "Weeknights", rule_type = "schedule",
            condition = new { time = "22:00", days = new[] { "mon", "tue", "wed", "thu", "fri" } }, action = new { key = "relay", value = false } }))["id"]!.GetValue<string>();
        Server.Clock.Advance(TimeSpan.FromSeconds(15));
        await TwoTicks();
        Assert.Empty((await org.GetAsync($"rules/{id}"))["fires"]!.AsArray());
        Server.Clock.Set("2027-07-05T20:00:05Z");
        var fires = await org.FiresAsync(id, f => f.Count == 1 && f[0]!["status"]!.GetValue<string>() == "fired");
        Assert.Equal("2027-07-05T20:00:00Z", fires[0]!.Instant());
    }

    [Fact]
    public async Task Debounce_ASecondFireWithin90s_IsRecordedAsDebounced_AndSendsNothing()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        Server.Clock.Set("2027-08-02T21:59:50Z");
        var id = (await org.DailyAsync("22:00"))["id"]!.GetValue<string>();
        await using var sub = await d.ListenAsync(count: 2);
        Server.Clock.Advance(TimeSpan.FromSeconds(15));
        await sub.WaitForDesiredAsync(d, "\"relay\":false");
        await org.FiresAsync(id, f => f.Count == 1 && f[0]!["status"]!.GetValue<string>() == "fired");

        // Moved to 22:01, less than 90 s after the last fire.
        await org.PatchRuleAsync(id, """{"condition":{"time":"22:01","days":["mon","tue","wed","thu","fri","sat","sun"]},"action":{"key":"relay","value":true}}""");
        Server.Clock.Set("2027-08-02T22:01:05Z");
        var fires = await org.FiresAsync(id, f => f.Count == 2);
        Assert.Equal("debounced", fires[0]!["status"]!.GetValue<string>());
        Assert.Equal("2027-08-02T22:01:00Z", fires[0]!.Instant());

        // Control: a manual desired change reaches the device, and the debounced action never did.
        await org.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", """{"control":1}""").ExpectAsync(System.Net.HttpStatusCode.OK);
        await sub.WaitForDesiredAsync(d, "\"control\":1");
        Assert.Equal(0, sub.CountDesired(d, "\"relay\":true"));
    }

    [Fact]
    public async Task AnInstantBeforeTheRuleExisted_NeverFires()
    {
        var org = await TestOrg.CreateAsync(Server);
        await org.DeviceAsync();
        Server.Clock.Set("2027-09-01T12:00:30Z");
        var id = (await org.DailyAsync("12:00"))["id"]!.GetValue<string>(); // 30 s after today's instant
        await TwoTicks();
        Assert.Empty((await org.GetAsync($"rules/{id}"))["fires"]!.AsArray());
        Assert.Equal(new DateTime(2027, 9, 2, 12, 0, 0, DateTimeKind.Utc), (await org.GetAsync($"rules/{id}"))["next_fire"]!.GetValue<DateTime>().ToUniversalTime());
    }
}
