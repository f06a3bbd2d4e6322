using System.Net;
using EdgeConductor.Platform.Tests.Ota;

namespace EdgeConductor.Web.Tests.Ota;

/// <summary>
/// Firmware and OTA job pages (issue 16, seed 001 "OTA Updates"): a release uploaded in the UI reaches a real MQTT device
/// and the job page shows it succeed; a failed canary pauses a staged rollout on screen.
/// </summary>
public sealed class OtaConsoleTests(ConsoleFixture fx) : ConsoleTest(fx)
{
    private const string Type = OtaKit.Type;

    [Fact]
    public async Task Firmware_uploaded_in_the_UI_reaches_an_MQTT_device_and_the_job_page_shows_it_succeed()
    {
        var (w, page) = await OpsWorldAsync();
        var device = await w.DeviceAsync(Type, "1.0.0");
        var file = OtaKit.Firmware(300 * 1024, seed: 7);
        var sha = OtaKit.Sha256(file);

        await w.OpenAsync("/org/firmware");
        await page.GetByLabel("Firmware file (.bin)").SetInputFilesAsync(new FilePayload { Name = "tracker_1.1.0.bin", MimeType = "application/octet-stream", Buffer = file });
        await page.GetByLabel("Version").FillAsync("1.1.0");
        await page.GetByLabel("Product type").FillAsync(Type);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("uploaded-sha256")).ToHaveTextAsync(sha);
        await Expect(page.GetByRole(AriaRole.Progressbar, new() { Name = "Upload progress" })).ToHaveAttributeAsync("value", "100");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Releases" })).ToContainTextAsync("unsigned");
        await Screenshots.TakeAsync(page, "firmware-uploaded");

        // The device is online on MQTT, subscribed to its ota topic.
        await using var mqtt = await OtaKit.MqttDeviceAsync(device);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Push {Type} 1.1.0" }).ClickAsync();
        await page.GetByLabel("One device").CheckAsync();
        await page.GetByLabel("Device serial").FillAsync(device.Serial);
        await page.GetByRole(AriaRole.Button, new() { Name = "Review push" }).ClickAsync();
        await Expect(page.GetByTestId("push-confirmation")).ToContainTextAsync($"1 device will be targeted: {device.Serial}");
        await Screenshots.TakeAsync(page, "firmware-push-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm push" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/org/ota/jobs/[^/]+$"));

        var message = await OtaKit.NextOtaMessageAsync(mqtt, device);
        Assert.Equal("1.1.0", message["version"]!.GetValue<string>());
        var jobId = message["job_id"]!.GetValue<string>();
        using (var download = await OtaKit.GetAsync(message["url"]!.GetValue<string>()))
            Assert.Equal(sha, OtaKit.Sha256(await download.Content.ReadAsByteArrayAsync()));
        Assert.True((int)await OtaKit.ReportAsync(mqtt, device, new { job_id = jobId, status = "downloading", progress = 40 }) < 0x80);
        await Expect(page.Locator($"tr[data-serial='{device.Serial}']").GetByTestId("device-state")).ToHaveTextAsync("downloading");
        await Expect(page.GetByRole(AriaRole.Progressbar, new() { Name = $"Progress of {device.Serial}" })).ToHaveAttributeAsync("value", "40");
        Assert.True((int)await OtaKit.ReportAsync(mqtt, device, new { job_id = jobId, status = "succeeded", fw_version = "1.1.0" }) < 0x80);
        await Expect(page.Locator($"tr[data-serial='{device.Serial}']").GetByTestId("device-state")).ToHaveTextAsync("succeeded");
        await Expect(page.GetByTestId("count-succeeded")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("job-status")).ToHaveTextAsync("completed");
        await Screenshots.TakeAsync(page, "ota-job-succeeded");

        await w.OpenAsync("/org/ota/jobs");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "OTA jobs" })).ToContainTextAsync("completed");
        await Screenshots.TakeAsync(page, "ota-jobs");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Canary_failure_pauses_a_staged_rollout_on_screen_and_cancel_stops_it()
    {
        var (w, page) = await OpsWorldAsync();
        var devices = new List<TestDevice>();
        for (var i = 0; i < 3; i++) devices.Add(await w.DeviceAsync(Type, "1.0.0"));
        var fw = (await OtaKit.UploadAsync(w.Org, OtaKit.Firmware(4096, seed: 3), "2.0.0", Type))["id"]!.GetValue<string>();

        await w.OpenAsync("/org/firmware");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Push {Type} 2.0.0" }).ClickAsync();
        await page.GetByLabel($"Every {Type} device").CheckAsync();
        await page.GetByLabel("Staged rollout").CheckAsync();
        await page.GetByLabel("Groups", new() { Exact = true }).FillAsync("1,100%");
        await page.GetByLabel("Error threshold (%)").FillAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review push" }).ClickAsync();
        await Expect(page.GetByTestId("push-confirmation")).ToContainTextAsync($"3 {Type} device(s) will be targeted, in groups 1,100%.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm push" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/org/ota/jobs/[^/]+$"));
        var jobId = new Uri(page.Url).AbsolutePath.Split('/').Last();
        await Expect(page.GetByTestId("count-targeted")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("count-queued")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("job-status")).ToHaveTextAsync("active");

        var job = await w.GetAsync($"ota-jobs/{jobId}?devices=true");
        Assert.Equal(fw, job["firmware_id"]!.GetValue<string>());
        var canarySerial = job["devices"]!.AsArray().Single(d => d!["group"]!.GetValue<long>() == 0)!["serial"]!.GetValue<string>();
        var canary = devices.Single(d => d.Serial == canarySerial);
        // The canary polls over HTTPS, gets the update (control: the device channel works) and fails.
        using var anon = w.Org.Server.Http();
        using (var poll = new HttpRequestMessage(HttpMethod.Get, $"devices/{canary.Serial}/commands"))
        {
            poll.Headers.Add("X-Device-Secret", canary.Secret);
            Assert.Equal("2.0.0", (await anon.SendAsync(poll).ExpectAsync(HttpStatusCode.OK))["fw_version"]!.GetValue<string>());
        }
        using (var r = await anon.PostRawAsync($"devices/{canary.Serial}/ota/status", """{"status":"failed","error":"flash write error"}""", canary.Secret))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        await Expect(page.GetByTestId("job-status")).ToHaveTextAsync("paused");
        await Expect(page.GetByTestId("job-status-reason")).ToContainTextAsync("error threshold");
        await Expect(page.GetByTestId("count-failed")).ToHaveTextAsync("1");
        await Expect(page.Locator($"tr[data-serial='{canary.Serial}']")).ToContainTextAsync("flash write error");
        await Expect(page.GetByTestId("count-queued")).ToHaveTextAsync("2");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeEnabledAsync();
        await Screenshots.TakeAsync(page, "ota-job-paused");

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel job" }).ClickAsync();
        await Expect(page.GetByTestId("job-status")).ToHaveTextAsync("canceled");
        await Expect(page.GetByTestId("count-canceled")).ToHaveTextAsync("2");
        Assert.Equal("canceled", (await w.GetAsync($"ota-jobs/{jobId}"))["status"]!.GetValue<string>());
        await page.Context.CloseAsync();
    }
}
