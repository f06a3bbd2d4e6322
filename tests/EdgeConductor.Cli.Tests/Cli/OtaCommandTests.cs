using System.Security.Cryptography;
using System.Text.Json;
using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Sdk.OtaJobs;

namespace EdgeConductor.Cli.Tests.Cli;

/// <summary><c>ec ota upload | push | jobs | job</c> against the real server, table and --json output.</summary>
[Collection(ServerCollection.Name)]
public sealed class OtaCommandTests(ServerFixture server) : IDisposable
{
    private readonly CliHarness _ec = new(server);

    public void Dispose() => _ec.Dispose();

    private string WriteFirmware(string name, int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        Directory.CreateDirectory(_ec.WorkDir);
        File.WriteAllBytes(Path.Combine(_ec.WorkDir, name), bytes);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    [Fact]
    public async Task Upload_CachesTheRelease_PushDefaultsToIt_JobsAndJobShowIt()
    {
        var org = await server.CreateOrgAsync();
        using var sdk = server.Client(org.ApiKey);
        await sdk.Devices.RegisterAsync("EC-OTA-CLI-1", "tracker", "2.1.3");
        await sdk.Devices.RegisterAsync("EC-OTA-CLI-2", "tracker", "2.1.3");
        var sha = WriteFirmware("tracker_v2.1.4.bin", 50_000, 1);
        _ec.WithKey(org.ApiKey);

        var upload = await _ec.RunAsync("ota", "upload", "./tracker_v2.1.4.bin", "--version", "2.1.4", "--type", "tracker", "--json");
        Assert.True(upload.ExitCode == 0, upload.ToString());
        var release = upload.Json();
        Assert.Equal(sha, release.GetProperty("sha256").GetString());
        Assert.Equal(50_000, release.GetProperty("size").GetInt64());
        var cached = JsonDocument.Parse(File.ReadAllText(Path.Combine(_ec.ConfigDir, "last_upload.json"))).RootElement;
        Assert.Equal(release.GetProperty("id").GetString(), cached.GetProperty("id").GetString());

        // One device, then the whole product type, both defaulting to the cached upload.
        var one = await _ec.RunAsync("ota", "push", "--serial", "EC-OTA-CLI-1", "--json");
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Equal("pending", one.Json().GetProperty("state").GetString());
        var fleet = await _ec.RunAsync("ota", "push", "--type", "tracker");
        Assert.True(fleet.ExitCode == 0, fleet.ToString());
        Assert.Contains("OTA triggered — Job #2", fleet.Out);

        var jobs = await _ec.RunAsync("ota", "jobs", "--json");
        Assert.Equal([2L, 1L], jobs.Json().EnumerateArray().Select(j => j.GetProperty("number").GetInt64()));
        var job = await _ec.RunAsync("ota", "job", "2", "--devices", "--json");
        Assert.True(job.ExitCode == 0, job.ToString());
        var detail = job.Json();
        Assert.Equal(2, detail.GetProperty("counts").GetProperty("targeted").GetInt64());
        Assert.Equal(["EC-OTA-CLI-1", "EC-OTA-CLI-2"], detail.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("serial").GetString()).Order());
        var table = await _ec.RunAsync("ota", "job", "#2", "--devices");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("Job #2", table.Out);
        Assert.Contains("EC-OTA-CLI-2", table.Out);

        var canceled = await _ec.RunAsync("ota", "job", "2", "--cancel", "--json");
        Assert.Equal("canceled", canceled.Json().GetProperty("status").GetString());
        var again = await _ec.RunAsync("ota", "job", "2", "--cancel", "--json");
        Assert.NotEqual(0, again.ExitCode); // 409: already canceled
    }

    [Fact]
    public async Task Push_WithARollout_AndErrors_AreReported()
    {
        var org = await server.CreateOrgAsync();
        using var sdk = server.Client(org.ApiKey);
        for (var i = 0; i < 4; i++) await sdk.Devices.RegisterAsync($"EC-OTA-RL-{i}", "sensor", "1.0.0");
        WriteFirmware("sensor.bin", 1_000, 2);
        _ec.WithKey(org.ApiKey);
        Assert.Equal(0, (await _ec.RunAsync("ota", "upload", "sensor.bin", "--version", "1.1.0", "--type", "sensor")).ExitCode);

        var staged = await _ec.RunAsync("ota", "push", "--type", "sensor", "--groups", "1,50%,100%", "--max-per-minute", "10", "--json");
        Assert.True(staged.ExitCode == 0, staged.ToString());
        var job = JsonSerializer.Deserialize<OtaJob>(staged.Out, EdgeConductor.Sdk.EdgeConductorJson.Options)!;
        Assert.Equal(4, job.Counts.Targeted);
        // The CLI sends "1" as given; the server echoes a count as a number and a percentage as a string.
        Assert.Equal("""[1,"50%","100%"]""", JsonSerializer.Serialize(job.Rollout!.Value.GetProperty("groups")));

        var both = await _ec.RunAsync("ota", "push", "--type", "sensor", "--serial", "EC-OTA-RL-0");
        Assert.NotEqual(0, both.ExitCode);
        var badGroups = await _ec.RunAsync("ota", "push", "--type", "sensor", "--groups", "0,abc", "--json");
        Assert.NotEqual(0, badGroups.ExitCode);
        Assert.Contains("rollout.groups", badGroups.Err);
        var missing = await _ec.RunAsync("ota", "upload", "nope.bin", "--version", "1", "--type", "sensor");
        Assert.NotEqual(0, missing.ExitCode);
    }
}
