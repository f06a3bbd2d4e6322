using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Ota;

/// <summary>Staged rollouts over 20 polling devices: a failed canary pauses everything; a good canary opens the next group at the set rate.</summary>
public abstract class OtaRolloutTestsBase(OtaServerFixture fixture) : IDisposable
{
    private EcServer Server => fixture.Server;

    public void Dispose() => Assert.True(Server.Errors.Entries.Count == 0, string.Join("\n", Server.Errors.Entries));

    private async Task<(TestOrg Org, List<TestDevice> Devices, string FirmwareId)> FleetAsync(int count)
    {
        var org = await TestOrg.CreateAsync(Server);
        var devices = new List<TestDevice>();
        for (var i = 0; i < count; i++) devices.Add(await OtaKit.DeviceAsync(org));
        var fwId = (await OtaKit.UploadAsync(org, OtaKit.Firmware(4_000, seed: 20), "7.0.0"))["id"]!.GetValue<string>();
        return (org, devices, fwId);
    }

    private async Task<JsonNode> PollAsDeviceAsync(TestDevice d)
    {
        using var anon = Server.Http();
        using var req = new HttpRequestMessage(HttpMethod.Get, $"devices/{d.Serial}/commands");
        req.Headers.Add("X-Device-Secret", d.Secret);
        return await anon.SendAsync(req).ExpectAsync(HttpStatusCode.OK);
    }

    private static Task<JsonNode> WaitForJobAsync(TestOrg org, string jobId, Func<JsonNode, bool> done) =>
        Eventually.ValueAsync(() => OtaKit.JobAsync(org, jobId), done, TimeSpan.FromSeconds(15));

    [Fact]
    public async Task CanaryFails_TheRolloutPausesItself_NobodyElseGetsTheUpdate_CancelStopsTheRest()
    {
        var (org, devices, fwId) = await FleetAsync(20);
        var job = await org.Http.PostJsonAsync($"orgs/{org.Id}/ota-jobs",
            new { firmware_id = fwId, rollout = new { groups = new object[] { 1, "50%", "100%" }, success_threshold_pct = 100, error_threshold_pct = 10 } },
            HttpStatusCode.Created);
        var jobId = job["id"]!.GetValue<string>();
        Assert.Equal(20, job["counts"]!["targeted"]!.GetValue<long>());
        Assert.Equal(1, job["counts"]!["pending"]!.GetValue<long>());
        Assert.Equal(19, job["counts"]!["queued"]!.GetValue<long>());
        // The plan is echoed as given: a count stays a number, a percentage a string.
        Assert.Equal("""[1,"50%","100%"]""", job["rollout"]!["groups"]!.ToJsonString());
        var detail = await OtaKit.JobAsync(org, jobId);
        var canarySerial = detail["devices"]!.AsArray().Single(x => x!["group"]!.GetValue<long>() == 0)!["serial"]!.GetValue<string>();
        var canary = devices.Single(d => d.Serial == canarySerial);

        // The canary gets it (control for the negative check below), tries, and fails.
        Assert.Equal("7.0.0", (await PollAsDeviceAsync(canary))["fw_version"]!.GetValue<string>());
        using (var r = await Server.Http().PostRawAsync($"devices/{canary.Serial}/ota/status", """{"status":"failed","error":"flash write error"}""", canary.Secret))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        var paused = await WaitForJobAsync(org, jobId, j => j["status"]!.GetValue<string>() == "paused");
        Assert.Equal("paused", paused["status"]!.GetValue<string>());
        Assert.Contains("error threshold", paused["status_reason"]!.GetValue<string>());
        Assert.Equal(1, paused["counts"]!["failed"]!.GetValue<long>());
        Assert.Equal(19, paused["counts"]!["queued"]!.GetValue<long>());
        Assert.Equal(0, paused["current_group"]!.GetValue<long>());
        // Several worker passes later (100 ms apart) still nobody else was released or offered the update.
        await Task.Delay(TimeSpan.FromSeconds(1));
        foreach (var d in devices.Where(d => d != canary).Take(5)) Assert.Null((await PollAsDeviceAsync(d))["fw_url"]);
        Assert.Equal(19, (await OtaKit.JobAsync(org, jobId))["counts"]!["queued"]!.GetValue<long>());
        var failed = (await OtaKit.JobAsync(org, jobId))["devices"]!.AsArray().Single(x => x!["serial"]!.GetValue<string>() == canarySerial)!;
        Assert.Equal("error: flash write error", failed["error"]!.GetValue<string>());

        var canceled = await org.Http.PostAsync($"ota-jobs/{jobId}/cancel", null).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("canceled", canceled["status"]!.GetValue<string>());
        Assert.Equal(19, canceled["counts"]!["canceled"]!.GetValue<long>());
        await org.Http.PostAsync($"ota-jobs/{jobId}/resume", null).ExpectAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task CanarySucceeds_TheNextGroupIsReleased_AtMostMaxPerMinute()
    {
        var (org, devices, fwId) = await FleetAsync(20);
        var job = await org.Http.PostJsonAsync($"orgs/{org.Id}/ota-jobs",
            new { firmware_id = fwId, product_type = OtaKit.Type, rollout = new { groups = new object[] { 1, "50%", "100%" }, max_per_minute = 5 } },
            HttpStatusCode.Created);
        var jobId = job["id"]!.GetValue<string>();
        var withCanary = await WaitForJobAsync(org, jobId, j => j["counts"]!["pending"]!.GetValue<long>() == 1);
        var canarySerial = (await OtaKit.JobAsync(org, jobId))["devices"]!.AsArray().Single(x => x!["state"]!.GetValue<string>() == "pending")!["serial"]!.GetValue<string>();
        var canary = devices.Single(d => d.Serial == canarySerial);
        Assert.Equal(19, withCanary["counts"]!["queued"]!.GetValue<long>());

        Assert.Equal("7.0.0", (await PollAsDeviceAsync(canary))["fw_version"]!.GetValue<string>());
        using (var r = await Server.Http().PostRawAsync($"devices/{canary.Serial}/ota/status", """{"status":"succeeded","fw_version":"7.0.0"}""", canary.Secret))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        // Group 1 = up to 50 % (10 devices, 9 more); 5 per minute, the canary was one of this minute's 5.
        var next = await WaitForJobAsync(org, jobId, j => j["counts"]!["pending"]!.GetValue<long>() == 4);
        Assert.Equal(1, next["current_group"]!.GetValue<long>());
        Assert.Equal(15, next["counts"]!["queued"]!.GetValue<long>());
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // several passes: the rate holds
        Assert.Equal(4, (await OtaKit.JobAsync(org, jobId))["counts"]!["pending"]!.GetValue<long>());
        Server.Clock.Advance(TimeSpan.FromSeconds(61));
        var later = await WaitForJobAsync(org, jobId, j => j["counts"]!["pending"]!.GetValue<long>() == 9);
        Assert.Equal(10, later["counts"]!["queued"]!.GetValue<long>());
        Assert.Equal(1, later["current_group"]!.GetValue<long>()); // group 2 waits for group 1 to succeed
        await org.Http.PostAsync($"ota-jobs/{jobId}/pause", null).ExpectAsync(HttpStatusCode.OK);
        await org.Http.PostAsync($"ota-jobs/{jobId}/pause", null).ExpectAsync(HttpStatusCode.Conflict);
        var resumed = await org.Http.PostAsync($"ota-jobs/{jobId}/resume", null).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", resumed["status"]!.GetValue<string>());
        await org.Http.PostAsync($"ota-jobs/{jobId}/cancel", null).ExpectAsync(HttpStatusCode.OK);
    }
}

[Collection(OtaCollection.Name)]
public sealed class OtaRolloutTests(OtaServerFixture fixture) : OtaRolloutTestsBase(fixture);

[Collection(PostgresOtaCollection.Name)]
public sealed class PostgresOtaRolloutTests(PostgresOtaServerFixture fixture) : OtaRolloutTestsBase(fixture);
