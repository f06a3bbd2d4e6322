using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Ota;

/// <summary>
/// Upload → push to an online and an offline device → pending delivered on reconnect → download resumed with Range after a
/// cut → sha256 → status reports → version confirmed; a polling device; a device that rolls back; timeouts; downgrades.
/// Real server, our MQTT client as the device, plain HttpClient as the ESP32's HTTP client.
/// </summary>
public abstract class OtaEndToEndTestsBase(OtaServerFixture fixture) : IDisposable
{
    private EcServer Server => fixture.Server;

    /// <summary>No test leaves an error in the server log (a failing worker pass or a 500 would).</summary>
    public void Dispose() => Assert.True(Server.Errors.Entries.Count == 0, string.Join("\n", Server.Errors.Entries));

    [Fact]
    public async Task Upload_Push_OnlineAndOffline_ResumedDownload_StatusReports_VersionConfirmed()
    {
        var org = await TestOrg.CreateAsync(Server);
        var online = await OtaKit.DeviceAsync(org);
        var offline = await OtaKit.DeviceAsync(org);
        var file = OtaKit.Firmware(300_000);
        var fw = await OtaKit.UploadAsync(org, file, "1.1.0");
        Assert.Equal(OtaKit.Sha256(file), fw["sha256"]!.GetValue<string>());
        Assert.Equal(file.Length, fw["size"]!.GetValue<long>());
        var fwId = fw["id"]!.GetValue<string>();
        var notes = await org.GetAsync($"orgs/{org.Id}/notifications");
        Assert.Contains(notes.AsArray(), n => n!["kind"]!.GetValue<string>() == "firmware_uploaded");

        // Online: the update arrives at once on devices/{serial}/ota.
        await using var device = await OtaKit.MqttDeviceAsync(online);
        var pushed = await OtaKit.PushAsync(online, fwId);
        Assert.True(pushed["delivered"]!.GetValue<bool>());
        var jobId = pushed["job_id"]!.GetValue<string>();
        var message = await OtaKit.NextOtaMessageAsync(device, online);
        Assert.Equal("1.1.0", message["version"]!.GetValue<string>());
        Assert.Equal(OtaKit.Sha256(file), message["sha256"]!.GetValue<string>());
        Assert.Equal(file.Length, message["size"]!.GetValue<long>());
        Assert.Equal(jobId, message["job_id"]!.GetValue<string>());
        var url = message["url"]!.GetValue<string>();

        // Offline: pending on the device, delivered when it subscribes.
        var pending = await OtaKit.PushAsync(offline, fwId);
        Assert.False(pending["delivered"]!.GetValue<bool>());
        Assert.Equal("pending", pending["state"]!.GetValue<string>());
        Assert.True(pending["job_number"]!.GetValue<long>() > pushed["job_number"]!.GetValue<long>());
        var offlineRow = await org.GetAsync($"devices/{offline.Serial}");
        Assert.Equal("1.1.0", offlineRow["pending_fw_version"]!.GetValue<string>());
        Assert.EndsWith($"/api/v1/firmware/{fwId}/download", offlineRow["pending_fw_url"]!.GetValue<string>());
        await using (var back = await OtaKit.MqttDeviceAsync(offline))
        {
            var late = await OtaKit.NextOtaMessageAsync(back, offline);
            Assert.Equal("1.1.0", late["version"]!.GetValue<string>());
            Assert.Equal(pending["job_id"]!.GetValue<string>(), late["job_id"]!.GetValue<string>());
        }

        // Download: cut after ~80 %, resume with Range + If-Range (ETag = sha256), then check the hash.
        var cutAt = file.Length * 8 / 10;
        var received = new MemoryStream();
        string etag;
        using (var http = new HttpClient())
        using (var first = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("bytes", Assert.Single(first.Headers.AcceptRanges));
            etag = first.Headers.ETag!.Tag;
            Assert.Equal($"\"{OtaKit.Sha256(file)}\"", etag);
            await using var body = await first.Content.ReadAsStreamAsync();
            var buffer = new byte[8192];
            while (received.Length < cutAt)
            {
                var n = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, cutAt - received.Length)));
                Assert.True(n > 0);
                received.Write(buffer, 0, n);
            }
        } // the connection is dropped here with 20 % unread
        var downloading = await OtaKit.DeviceStateAsync(org, jobId, online.Serial, s => s == "downloading");
        Assert.Equal("downloading", downloading["state"]!.GetValue<string>());
        using (var rest = await OtaKit.GetAsync(url, r =>
        {
            r.Headers.Range = new RangeHeaderValue(received.Length, null);
            r.Headers.IfRange = new RangeConditionHeaderValue(etag);
        }))
        {
            Assert.Equal(HttpStatusCode.PartialContent, rest.StatusCode);
            Assert.Equal(received.Length, rest.Content.Headers.ContentRange!.From);
            Assert.Equal(file.Length, rest.Content.Headers.ContentRange.Length);
            received.Write(await rest.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(OtaKit.Sha256(file), OtaKit.Sha256(received.ToArray()));
        // If-Range with another ETag (the release changed): the whole file, 200.
        using (var changed = await OtaKit.GetAsync(url, r =>
        {
            r.Headers.Range = new RangeHeaderValue(100, null);
            r.Headers.IfRange = new RangeConditionHeaderValue("\"0000\"");
        }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            Assert.Equal(file.Length, (await changed.Content.ReadAsByteArrayAsync()).Length);
        }

        // Status reports over MQTT, then the version in telemetry confirms.
        foreach (var (status, progress) in new[] { ("downloading", 50), ("downloaded", 100), ("installing", 0), ("rebooting", 0) })
        {
            Assert.Equal(MqttReasonCode.Success, await OtaKit.ReportAsync(device, online, new { job_id = jobId, status, progress }));
            var row = await OtaKit.DeviceStateAsync(org, jobId, online.Serial, s => s == status);
            Assert.Equal(status, row["state"]!.GetValue<string>());
        }
        var stillOld = await org.GetAsync($"devices/{online.Serial}");
        Assert.Equal("1.0.0", stillOld["fw_version"]!.GetValue<string>());
        using (var r = await Server.Http().PostRawAsync($"devices/{online.Serial}/telemetry", """{"temp":21.5,"fw_version":"1.1.0"}""", online.Secret))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var done = await OtaKit.DeviceStateAsync(org, jobId, online.Serial, s => s == "succeeded");
        Assert.Equal("succeeded", done["state"]!.GetValue<string>());
        var updated = await org.GetAsync($"devices/{online.Serial}");
        Assert.Equal("1.1.0", updated["fw_version"]!.GetValue<string>());
        Assert.Null(updated["pending_fw_version"]);
        var job = await Eventually.ValueAsync(() => OtaKit.JobAsync(org, jobId), j => j["status"]!.GetValue<string>() == "completed");
        Assert.Equal("completed", job["status"]!.GetValue<string>());
        Assert.Equal(1, job["counts"]!["succeeded"]!.GetValue<long>());
        var audit = await org.GetAsync($"orgs/{org.Id}/audit?action=ota_pushed");
        Assert.Contains(audit.AsArray(), a => a!["target_id"]?.GetValue<string>() == online.Serial);
    }

    [Fact]
    public async Task PollingDevice_GetsFwUrlInCommands_DownloadsIt_AndConfirmsOverHttps()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await OtaKit.DeviceAsync(org);
        var file = OtaKit.Firmware(10_000, seed: 2);
        var fwId = (await OtaKit.UploadAsync(org, file, "1.2.0"))["id"]!.GetValue<string>();
        var pushed = await OtaKit.PushAsync(d, fwId);
        var jobId = pushed["job_id"]!.GetValue<string>();

        using var anon = Server.Http();
        using var poll = new HttpRequestMessage(HttpMethod.Get, $"devices/{d.Serial}/commands");
        poll.Headers.Add("X-Device-Secret", d.Secret);
        var answer = await anon.SendAsync(poll).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("1.2.0", answer["fw_version"]!.GetValue<string>());
        Assert.Equal(OtaKit.Sha256(file), answer["fw_sha256"]!.GetValue<string>());
        await OtaKit.DeviceStateAsync(org, jobId, d.Serial, s => s == "sent");

        using (var download = await OtaKit.GetAsync(answer["fw_url"]!.GetValue<string>()))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(OtaKit.Sha256(file), OtaKit.Sha256(await download.Content.ReadAsByteArrayAsync()));
        }
        // "succeeded" with the new version in the report is the confirmation.
        using (var r = await anon.PostRawAsync($"devices/{d.Serial}/ota/status", """{"status":"succeeded","fw_version":"1.2.0"}""", d.Secret))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var row = await OtaKit.DeviceStateAsync(org, jobId, d.Serial, s => s == "succeeded");
        Assert.Equal("succeeded", row["state"]!.GetValue<string>());
        Assert.Equal("1.2.0", (await org.GetAsync($"devices/{d.Serial}"))["fw_version"]!.GetValue<string>());
        // Nothing to fetch any more.
        using var again = new HttpRequestMessage(HttpMethod.Get, $"devices/{d.Serial}/commands");
        again.Headers.Add("X-Device-Secret", d.Secret);
        Assert.Null((await anon.SendAsync(again).ExpectAsync(HttpStatusCode.OK))["fw_url"]);
    }

    [Fact]
    public async Task DeviceThatComesBackOnTheOldVersion_AfterInstalling_IsFailedRolledBack_NeverSucceeded()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await OtaKit.DeviceAsync(org);
        var fwId = (await OtaKit.UploadAsync(org, OtaKit.Firmware(5_000, seed: 3), "1.3.0"))["id"]!.GetValue<string>();
        await using var device = await OtaKit.MqttDeviceAsync(d);
        var jobId = (await OtaKit.PushAsync(d, fwId))["job_id"]!.GetValue<string>();
        await OtaKit.NextOtaMessageAsync(device, d);
        Assert.Equal(MqttReasonCode.Success, await OtaKit.ReportAsync(device, d, new { job_id = jobId, status = "installing" }));
        // "succeeded" without a version is not a confirmation: the device waits in rebooting.
        Assert.Equal(MqttReasonCode.Success, await OtaKit.ReportAsync(device, d, new { job_id = jobId, status = "succeeded" }));
        var waiting = await OtaKit.DeviceStateAsync(org, jobId, d.Serial, s => s == "rebooting");
        Assert.Equal("rebooting", waiting["state"]!.GetValue<string>());
        // The bootloader rolled back: the device's first telemetry carries the old version.
        Assert.Equal(MqttReasonCode.Success, await device.PublishAsync(d.Topic("telemetry"), """{"fw_version":"1.0.0","uptime":3}""", MqttQualityOfService.AtLeastOnce));
        var failed = await OtaKit.DeviceStateAsync(org, jobId, d.Serial, s => s == "failed");
        Assert.Equal("failed", failed["state"]!.GetValue<string>());
        Assert.Contains("rolled back", failed["error"]!.GetValue<string>());
        var job = await OtaKit.JobAsync(org, jobId);
        Assert.Equal(0, job["counts"]!["succeeded"]!.GetValue<long>());
        Assert.Equal("1.0.0", (await org.GetAsync($"devices/{d.Serial}"))["fw_version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Timeouts_OnTheServerClock_RetryThenFailTimedOut()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await OtaKit.DeviceAsync(org);
        var fwId = (await OtaKit.UploadAsync(org, OtaKit.Firmware(5_000, seed: 4), "1.4.0"))["id"]!.GetValue<string>();
        await using var device = await OtaKit.MqttDeviceAsync(d);
        var jobId = (await OtaKit.PushAsync(d, fwId))["job_id"]!.GetValue<string>();
        await OtaKit.NextOtaMessageAsync(device, d);

        // The device never starts: after the sent timeout (10 min) it is sent again (attempt 2 of 2)...
        Server.Clock.Advance(TimeSpan.FromMinutes(11));
        var again = await OtaKit.NextOtaMessageAsync(device, d);
        Assert.Equal(jobId, again["job_id"]!.GetValue<string>());
        var second = await OtaKit.DeviceStateAsync(org, jobId, d.Serial, s => s == "sent");
        Assert.Equal(2, second["attempts"]!.GetValue<long>());
        // ...and after the second timeout it has used its attempts: failed, timed out.
        Server.Clock.Advance(TimeSpan.FromMinutes(11));
        var failed = await OtaKit.DeviceStateAsync(org, jobId, d.Serial, s => s == "failed");
        Assert.Equal("failed", failed["state"]!.GetValue<string>());
        Assert.Contains("timed out", failed["error"]!.GetValue<string>());

        // A device that stops while installing fails at once when the install timeout passes (no re-send mid-install).
        var d2 = await OtaKit.DeviceAsync(org);
        await using var device2 = await OtaKit.MqttDeviceAsync(d2);
        var job2 = (await OtaKit.PushAsync(d2, fwId))["job_id"]!.GetValue<string>();
        await OtaKit.NextOtaMessageAsync(device2, d2);
        Assert.Equal(MqttReasonCode.Success, await OtaKit.ReportAsync(device2, d2, new { job_id = job2, status = "installing" }));
        await OtaKit.DeviceStateAsync(org, job2, d2.Serial, s => s == "installing");
        Server.Clock.Advance(TimeSpan.FromMinutes(11));
        var stuck = await OtaKit.DeviceStateAsync(org, job2, d2.Serial, s => s == "failed");
        Assert.Equal("timed out (installing)", stuck["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Downgrade_IsRefused_UnlessAllowed()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await OtaKit.DeviceAsync(org, fwVersion: "2.0.0");
        var fwId = (await OtaKit.UploadAsync(org, OtaKit.Firmware(1_000, seed: 5), "1.10.0"))["id"]!.GetValue<string>();
        var refused = await org.Http.PostJsonAsync($"devices/{d.Serial}/ota", new { firmware_id = fwId }, HttpStatusCode.Conflict);
        Assert.Contains("downgrade", refused["detail"]!.GetValue<string>());
        var allowed = await OtaKit.PushAsync(d, fwId, allowDowngrade: true);
        Assert.Equal("pending", allowed["state"]!.GetValue<string>());
        // Another product type's firmware is refused too.
        var other = await OtaKit.DeviceAsync(org, productType: "gateway");
        await org.Http.PostJsonAsync($"devices/{other.Serial}/ota", new { firmware_id = fwId }, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task StatusForAnUnknownJob_IsRefusedWithAReasonCode_AndBadStatusIs400()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await OtaKit.DeviceAsync(org);
        await using var device = await OtaKit.MqttDeviceAsync(d, subscribe: false);
        Assert.Equal(MqttReasonCode.PayloadFormatInvalid, await OtaKit.ReportAsync(device, d, new { job_id = "nope", status = "downloading" }));
        Assert.Equal(MqttReasonCode.PayloadFormatInvalid, await OtaKit.ReportAsync(device, d, new { status = "exploded" }));
        using var anon = Server.Http();
        using var r = await anon.PostRawAsync($"devices/{d.Serial}/ota/status", """{"status":"exploded"}""", d.Secret);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("status", await r.Content.ReadAsStringAsync());

        // Firmware and scripts often send JSON with a form or text Content-Type (curl -d): the body is still read as
        // JSON — the answer names the bad status, not 401 or 415.
        foreach (var type in new[] { "application/x-www-form-urlencoded", "text/plain" })
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, $"devices/{d.Serial}/ota/status")
            {
                Content = new StringContent("""{"status":"exploded"}""", Encoding.UTF8, type),
            };
            req.Headers.Add("X-Device-Secret", d.Secret);
            using var typed = await anon.SendAsync(req);
            Assert.Equal(HttpStatusCode.BadRequest, typed.StatusCode);
            Assert.Contains("\"status\"", await typed.Content.ReadAsStringAsync());
        }
        // A body that is not an object, or repeats a key, is 400 naming "body" (not a word of the message).
        foreach (var bad in new[] { "[1]", """{"status":"downloading","status":"failed"}""" })
        {
            using var nonObject = await anon.PostRawAsync($"devices/{d.Serial}/ota/status", bad, d.Secret);
            Assert.Equal(HttpStatusCode.BadRequest, nonObject.StatusCode);
            var problem = JsonNode.Parse(await nonObject.Content.ReadAsStringAsync())!;
            Assert.NotNull(problem["errors"]!["body"]);
        }
        // Another device's topic is not allowed.
        var other = await OtaKit.DeviceAsync(org);
        Assert.Equal(MqttReasonCode.NotAuthorized, await device.PublishAsync(other.Topic("ota/status"), """{"status":"downloading"}""", MqttQualityOfService.AtLeastOnce));
    }
}

[Collection(OtaCollection.Name)]
public sealed class OtaEndToEndTests(OtaServerFixture fixture) : OtaEndToEndTestsBase(fixture);

[Collection(PostgresOtaCollection.Name)]
public sealed class PostgresOtaEndToEndTests(PostgresOtaServerFixture fixture) : OtaEndToEndTestsBase(fixture);
