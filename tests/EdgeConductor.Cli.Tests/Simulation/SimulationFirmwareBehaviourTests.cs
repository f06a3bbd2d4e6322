using System.Security.Cryptography;
using System.Text.Json;
using EdgeConductor.Cli.Simulation;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Firmware;
using EdgeConductor.Sdk.OtaJobs;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Cli.Tests.Simulation;

/// <summary>Simulated devices behave like the firmware: desired state, reboot, OTA and its failure modes, GSM polling.</summary>
[Collection(SimulationCollection.Name)]
public sealed class SimulationFirmwareBehaviourTests(SimulationServer server)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(SimulationTransport.Mqtt)]
    [InlineData(SimulationTransport.Https)]
    public async Task DesiredState_IsApplied_AndReportedBack(SimulationTransport transport)
    {
        var (org, key) = await server.CreateOrgAsync();
        using var api = server.Client(key);
        await using var sim = new SimulationEngine(server.Options("SIM-HVAC-" + transport, SimulationProfile.Hvac, transport: transport) with { OrgId = org }, api);
        await sim.StartAsync();
        var serial = sim.Devices[0].SerialNo;

        await api.Devices.PushConfigAsync(serial, new { relay = true, setpoint = 17.5 });
        var shadow = await Eventually.ValueAsync(() => api.Devices.GetFullShadowAsync(serial),
            s => s.Reported.TryGetProperty("relay", out var r) && r.ValueKind == JsonValueKind.True
                 && s.Reported.TryGetProperty("setpoint", out var sp) && sp.GetDouble() == 17.5, Wait);
        Assert.True(shadow.Reported.GetProperty("relay").GetBoolean(), shadow.Reported.ToString());
        Assert.Equal(17.5, shadow.Reported.GetProperty("setpoint").GetDouble());
        Assert.Equal(0, shadow.Delta.ValueKind == JsonValueKind.Object ? shadow.Delta.EnumerateObject().Count() : 0);

        // The HVAC now heads for the setpoint: its readings carry the applied relay and setpoint.
        var recent = await Eventually.ValueAsync(() => api.Telemetry.RecentAsync(serial, 1),
            r => r.Count == 1 && r[0].Data.TryGetProperty("setpoint", out var sp) && sp.GetDouble() == 17.5, Wait);
        Assert.True(recent[0].Data.GetProperty("relay").GetBoolean());
        await sim.StopAsync();
        Assert.True(sim.Snapshot().DesiredApplied >= 1);
    }

    [Theory]
    [InlineData(SimulationTransport.Mqtt)]
    [InlineData(SimulationTransport.Https)]
    public async Task Reboot_IsAcknowledged_DeviceComesBackWithSwAndUptimeReset(SimulationTransport transport)
    {
        var (org, key) = await server.CreateOrgAsync();
        using var api = server.Client(key);
        await using var sim = new SimulationEngine(server.Options("SIM-RB-" + transport, transport: transport, intervalSeconds: 0.2) with { OrgId = org }, api);
        await sim.StartAsync();
        var serial = sim.Devices[0].SerialNo;
        // Let it run long enough that uptime is clearly above the boot value.
        await Eventually.ValueAsync(() => api.Telemetry.RecentAsync(serial, 1), r => r.Count == 1 && r[0].GetNumber("uptime") >= 5, Wait);

        var reboot = await api.Devices.RebootAsync(serial);
        var done = await api.Commands.WaitAsync(serial, reboot.CommandId!, Wait);
        Assert.Equal("succeeded", done.State);

        var records = await api.Telemetry.HistoryAsync(serial, 1, 100_000);
        var afterReboot = records.Where(r => r.Data.TryGetProperty("reboot_reason", out var rr) && rr.GetString() == "SW").OrderBy(r => r.GetNumber("seq")).ToList();
        Assert.NotEmpty(afterReboot);
        Assert.Equal(3, afterReboot[0].GetNumber("uptime")); // uptime starts again
        Assert.Equal("1.0.0", afterReboot[0].Data.GetProperty("fw_version").GetString()); // the boot message names the firmware
        var before = records.Where(r => r.GetNumber("seq") < afterReboot[0].GetNumber("seq")).ToList();
        Assert.All(before, r => Assert.Equal("POWERON", r.Data.GetProperty("reboot_reason").GetString()));
        await sim.StopAsync();
        var summary = sim.Snapshot();
        Assert.Equal(1, summary.Reboots);
        Assert.Equal(1, summary.CommandsReceived);
        Assert.True(summary.Disconnects >= 1);
    }

    private static async Task<FirmwareRelease> UploadAsync(EdgeConductorClient api, string org, string version, int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return await api.Firmware.UploadAsync(org, new MemoryStream(bytes), new FirmwareUploadRequest(version, "EC-CLIMATE-V1"));
    }

    private static async Task<OtaJobDevice> FinishedAsync(EdgeConductorClient api, string jobId, string org)
    {
        var job = await Eventually.ValueAsync(() => api.OtaJobs.GetAsync(jobId, org, devices: true),
            j => j.Devices is [{ State: "succeeded" or "failed" }], TimeSpan.FromSeconds(45));
        return Assert.Single(job.Devices!);
    }

    [Theory]
    [InlineData(SimulationTransport.Mqtt)]
    [InlineData(SimulationTransport.Https)]
    public async Task Ota_Succeeds_DownloadsInRanges_ChecksSha256_AndConfirmsTheNewVersion(SimulationTransport transport)
    {
        var (org, key) = await server.CreateOrgAsync();
        using var api = server.Client(key);
        await using var sim = new SimulationEngine(server.Options("SIM-OTA-" + transport, transport: transport, intervalSeconds: 0.2) with { OrgId = org }, api);
        await sim.StartAsync();
        var serial = sim.Devices[0].SerialNo;
        var release = await UploadAsync(api, org, "1.1.0", 100_000); // 7 Range requests of 16 KB

        var push = await api.Firmware.PushAsync(serial, release.Id);
        var device = await FinishedAsync(api, push.JobId, org);
        Assert.True(device.State == "succeeded", $"{device.State}: {device.Error}");
        Assert.Equal("1.1.0", (await api.Devices.GetAsync(serial)).FwVersion);
        Assert.Equal("1.1.0", sim.FirmwareVersions[serial]);
        await sim.StopAsync();
        Assert.Equal(new OtaSummary(1, 1, 0, 0, 0, 0), sim.Snapshot().Ota);
    }

    [Theory]
    [InlineData(OtaFault.Checksum, "failed", "sha256 mismatch", "1.0.0")]
    [InlineData(OtaFault.Boot, "failed", "rolled back", "1.0.0")]
    [InlineData(OtaFault.PowerLoss, "succeeded", null, "1.2.0")]
    public async Task Ota_FailureModes(OtaFault fault, string state, string? error, string runningAfter)
    {
        var (org, key) = await server.CreateOrgAsync();
        using var api = server.Client(key);
        await using var sim = new SimulationEngine(server.Options("SIM-OTAF-" + fault, intervalSeconds: 0.2) with { OrgId = org, OtaFault = fault }, api);
        await sim.StartAsync();
        var serial = sim.Devices[0].SerialNo;
        var release = await UploadAsync(api, org, "1.2.0", 100_000);

        var push = await api.Firmware.PushAsync(serial, release.Id);
        var device = await FinishedAsync(api, push.JobId, org);
        Assert.True(device.State == state, $"{device.State}: {device.Error}");
        if (error is not null) Assert.Contains(error, device.Error ?? "", StringComparison.Ordinal);
        Assert.Equal(runningAfter, (await api.Devices.GetAsync(serial)).FwVersion);
        await sim.StopAsync();
        var ota = sim.Snapshot().Ota;
        Assert.Equal(fault == OtaFault.Checksum ? 1 : 0, ota.ChecksumFailed);
        Assert.Equal(fault == OtaFault.Boot ? 1 : 0, ota.RolledBack);
        Assert.Equal(fault == OtaFault.PowerLoss ? 1 : 0, ota.Resumed);
        if (fault == OtaFault.PowerLoss)
        {
            // The power loss rebooted the device mid-download (BROWNOUT), then the update finished (SW).
            var reasons = (await api.Telemetry.HistoryAsync(serial, 1, 100_000)).Select(r => r.Data.GetProperty("reboot_reason").GetString()).Distinct().ToList();
            Assert.Contains("BROWNOUT", reasons);
            Assert.Contains("SW", reasons);
        }
    }
}
