using System.Net;
using EdgeConductor.Server.Ota;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeConductor.Platform.Tests.Ota;

/// <summary>Jobs, rollouts, pending updates and the URL key live in the database: a restarted server carries on.</summary>
public sealed class OtaRestartTests
{
    private static EcServer Start(string dataDir) => new EcServer(dataDir: dataDir, services: s =>
    {
        s.RemoveAll<OtaOptions>();
        s.AddSingleton(new OtaOptions { WorkerInterval = TimeSpan.FromMilliseconds(100) });
    }).Start();

    [Fact]
    public async Task AfterARestart_ThePendingCanaryIsDeliveredOnSubscribe_AndTheRolloutCarriesOn()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "ec-ota-restart-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dataDir);
        try
        {
            string apiKey, jobId;
            List<TestDevice> devices = [];
            await using (var first = Start(dataDir))
            {
                var org = await TestOrg.CreateAsync(first);
                for (var i = 0; i < 3; i++) devices.Add(await OtaKit.DeviceAsync(org));
                var fwId = (await OtaKit.UploadAsync(org, OtaKit.Firmware(3_000, seed: 30), "8.0.0"))["id"]!.GetValue<string>();
                var job = await org.Http.PostJsonAsync($"orgs/{org.Id}/ota-jobs", new { firmware_id = fwId, rollout = new { groups = new object[] { 1, "100%" } } },
                    HttpStatusCode.Created);
                jobId = job["id"]!.GetValue<string>();
                apiKey = org.ApiKey;
                var detail = await OtaKit.JobAsync(org, jobId);
                var canary = detail["devices"]!.AsArray().Single(d => d!["group"]!.GetValue<long>() == 0)!["serial"]!.GetValue<string>();
                devices = devices.OrderBy(d => d.Serial != canary).ToList(); // canary first
                Assert.Equal("8.0.0", (await org.GetAsync($"devices/{canary}"))["pending_fw_version"]!.GetValue<string>());
            }

            await using var second = Start(dataDir);
            using var http = second.Http(apiKey);
            var canaryDevice = devices[0];
            // The canary connects to the new server: its pending update is delivered, with a URL the new server accepts.
            await using var mqtt = await OtaKit.MqttDeviceAsync(canaryDevice, server: second);
            var message = await OtaKit.NextOtaMessageAsync(mqtt, canaryDevice);
            Assert.Equal(jobId, message["job_id"]!.GetValue<string>());
            var url = message["url"]!.GetValue<string>();
            Assert.StartsWith($"http://127.0.0.1:{second.HttpPort}/", url);
            using (var download = await OtaKit.GetAsync(url)) Assert.Equal(HttpStatusCode.OK, download.StatusCode);

            using (var r = await second.Http().PostRawAsync($"devices/{canaryDevice.Serial}/ota/status", """{"status":"succeeded","fw_version":"8.0.0"}""", canaryDevice.Secret))
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            // The worker of the new server opens group 1 for the other two.
            var after = await Eventually.ValueAsync(() => http.GetJsonAsync($"ota-jobs/{jobId}"), j => j["counts"]!["pending"]!.GetValue<long>() == 2);
            Assert.Equal(1, after["current_group"]!.GetValue<long>());
            Assert.Equal(1, after["number"]!.GetValue<long>());
            Assert.True(second.Errors.Entries.Count == 0, string.Join("\n", second.Errors.Entries));
        }
        finally
        {
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { /* best effort */ }
        }
    }
}
