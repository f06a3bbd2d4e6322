using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using EdgeConductor.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EdgeConductor.Web.Tests.Ota;

/// <summary>
/// Firmware and OTA job pages (issue 16, seed 001 "OTA Updates"): a release uploaded in the UI reaches a real MQTT device
/// and the job page shows it succeed; a failed canary pauses a staged rollout on screen.
/// </summary>
public sealed class OtaConsoleTests(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    private const string Type = "tracker";

    [Fact]
    public async Task Firmware_uploaded_in_the_UI_reaches_an_MQTT_device_and_the_job_page_shows_it_succeed()
    {
        var w = await OpsWorld.CreateAsync(fx);
        var page = w.Page;
        var device = await w.DeviceAsync(Type, "1.0.0");
        var file = new byte[300 * 1024];
        new Random(7).NextBytes(file);
        var sha = Convert.ToHexStringLower(SHA256.HashData(file));

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
        await using var mqtt = await MqttDeviceAsync(device);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Push {Type} 1.1.0" }).ClickAsync();
        await page.GetByLabel("One device").CheckAsync();
        await page.GetByLabel("Device serial").FillAsync(device.Serial);
        await page.GetByRole(AriaRole.Button, new() { Name = "Review push" }).ClickAsync();
        await Expect(page.GetByTestId("push-confirmation")).ToContainTextAsync($"1 device will be targeted: {device.Serial}");
        await Screenshots.TakeAsync(page, "firmware-push-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm push" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/org/ota/jobs/[^/]+$"));

        var message = await NextOtaMessageAsync(mqtt, device);
        Assert.Equal("1.1.0", message["version"]!.GetValue<string>());
        var jobId = message["job_id"]!.GetValue<string>();
        using (var http = new HttpClient())
        {
            var body = await http.GetByteArrayAsync(message["url"]!.GetValue<string>());
            Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(body)));
        }
        Assert.True((int)await Report(mqtt, device, new { job_id = jobId, status = "downloading", progress = 40 }) < 0x80);
        await Expect(page.Locator($"tr[data-serial='{device.Serial}']").GetByTestId("device-state")).ToHaveTextAsync("downloading");
        await Expect(page.GetByRole(AriaRole.Progressbar, new() { Name = $"Progress of {device.Serial}" })).ToHaveAttributeAsync("value", "40");
        Assert.True((int)await Report(mqtt, device, new { job_id = jobId, status = "succeeded", fw_version = "1.1.0" }) < 0x80);
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
        var w = await OpsWorld.CreateAsync(fx);
        var page = w.Page;
        var devices = new List<TestDevice>();
        for (var i = 0; i < 3; i++) devices.Add(await w.DeviceAsync(Type, "1.0.0"));
        var fw = await UploadAsync(w.Org, "2.0.0");

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

    private static async Task<string> UploadAsync(TestOrg org, string version)
    {
        var file = new byte[4096];
        new Random(3).NextBytes(file);
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", "firmware.bin");
        form.Add(new StringContent(version), "version");
        form.Add(new StringContent(Type), "product_type");
        return (await org.Http.PostAsync($"orgs/{org.Id}/firmware", form).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
    }

    private static async Task<MqttClient> MqttDeviceAsync(TestDevice d)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Port = d.Org.Server.MqttPort, ClientId = d.Serial, UserName = d.Serial, Password = Encoding.UTF8.GetBytes(d.Secret),
            ProtocolVersion = MqttProtocolVersion.V500, KeepAliveSeconds = 0,
        });
        await client.ConnectAsync();
        Assert.True((int)await client.SubscribeAsync(d.Topic("ota"), MqttQualityOfService.AtLeastOnce) < 0x80);
        return client;
    }

    private static async Task<JsonNode> NextOtaMessageAsync(MqttClient client, TestDevice d)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var m = await client.Messages.ReadAsync(timeout.Token);
            if (m.Topic == d.Topic("ota")) return JsonNode.Parse(m.Payload.Span)!;
        }
    }

    private static Task<MqttReasonCode> Report(MqttClient client, TestDevice d, object status) =>
        client.PublishAsync(d.Topic("ota/status"), System.Text.Json.JsonSerializer.Serialize(status), MqttQualityOfService.AtLeastOnce);
}
