using System.Text.Json;
using EdgeConductor.Cli.Tests.Infrastructure;

namespace EdgeConductor.Cli.Tests.Cli;

[Collection(ServerCollection.Name)]
public sealed class TelemetryCommandTests(ServerFixture server) : IDisposable
{
    private readonly CliHarness _ec = new(server);

    public void Dispose() => _ec.Dispose();

    private async Task<(TestOrg Org, EdgeConductor.Sdk.EdgeConductorClient Sdk)> DeviceAsync(string serial)
    {
        var org = await server.CreateOrgAsync();
        var sdk = server.Client(org.ApiKey);
        await sdk.Devices.RegisterAsync(serial, "EC-CLIMATE-V1");
        _ec.WithKey(org.ApiKey);
        return (org, sdk);
    }

    [Fact]
    public async Task Get_LastN_NewestFirstJson_AndTable()
    {
        var (_, sdk) = await DeviceAsync("EC-TGET-1");
        using var _d = sdk;
        for (var i = 1; i <= 5; i++) await sdk.Telemetry.PushAsync("EC-TGET-1", new { temp = 100.5 + i, hum = 50 });

        var json = await _ec.RunAsync("telemetry", "get", "EC-TGET-1", "-n", "3", "--json");
        var table = await _ec.RunAsync("telemetry", "get", "EC-TGET-1", "-n", "3");

        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal([105.5, 104.5, 103.5], json.Json().EnumerateArray().Select(r => r.GetProperty("temp").GetDouble()));
        Assert.True(json.Json()[0].TryGetProperty("ts", out _));
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("temp", table.Out);
        Assert.Contains("hum", table.Out);
        Assert.Contains("3 record(s)", table.Out);
        Assert.True(table.Out.IndexOf("103.5", StringComparison.Ordinal) < table.Out.IndexOf("105.5", StringComparison.Ordinal)); // table oldest first
    }

    [Fact]
    public async Task Get_Hours_OldestFirst()
    {
        var (_, sdk) = await DeviceAsync("EC-TGET-2");
        using var _d = sdk;
        for (var i = 1; i <= 3; i++) await sdk.Telemetry.PushAsync("EC-TGET-2", new { co2 = 800 + i });

        var json = await _ec.RunAsync("telemetry", "get", "EC-TGET-2", "--hours", "2", "--json");

        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal([801, 802, 803], json.Json().EnumerateArray().Select(r => r.GetProperty("co2").GetInt32()));
    }

    [Theory]
    [InlineData("--hours", "0")]
    [InlineData("--hours", "169")]
    [InlineData("-n", "0")]
    public async Task Get_OutOfRange_Exit2(string option, string value)
    {
        _ec.WithKey("ec_live_unused");

        var result = await _ec.RunAsync("telemetry", "get", "X-1", option, value);

        Assert.Equal(2, result.ExitCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Watch_Json_StreamsChangedReadings(bool poll)
    {
        var serial = poll ? "EC-WATCH-POLL" : "EC-WATCH-SSE";
        var (_, sdk) = await DeviceAsync(serial);
        using var _d = sdk;
        await sdk.Telemetry.PushAsync(serial, new { temp = 1 });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var args = new List<string> { "telemetry", "watch", serial, "--json", "--count", "3", "-i", "1" };
        if (poll) args.Add("--poll");

        var run = _ec.RunAsync([.. args], ct: cts.Token);
        for (var i = 2; !run.IsCompleted; i++)
        {
            await sdk.Telemetry.PushAsync(serial, new { temp = i }, cts.Token);
            await Task.WhenAny(run, Task.Delay(poll ? 600 : 150, cts.Token));
        }
        var result = await run;

        Assert.True(result.ExitCode == 0, result.ToString());
        var temps = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("temp").GetInt32()).ToList();
        Assert.Equal(3, temps.Count);
        // The first is the latest stored reading when the watch started (1, or 2 if a push won the race); then only changes.
        Assert.True(temps[0] is 1 or 2 && temps[1] > temps[0] && temps[2] > temps[1], string.Join(",", temps));
    }

    [Fact]
    public async Task Watch_Cancelled_StopsCleanlyWithExit0()
    {
        var (_, sdk) = await DeviceAsync("EC-WATCH-STOP");
        using var _d = sdk;
        await sdk.Telemetry.PushAsync("EC-WATCH-STOP", new { temp = 24.5, hum = 60 });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new StringWriter();
        var output = TextWriter.Synchronized(buffer);
        string Seen()
        {
            lock (output) return buffer.ToString();
        }

        var run = _ec.RunAsync(["telemetry", "watch", "EC-WATCH-STOP"], ct: cts.Token, outWriter: output);
        while (!Seen().Contains("temp=24.5", StringComparison.Ordinal) && !run.IsCompleted) await Task.Delay(50);
        await cts.CancelAsync(); // Ctrl+C
        var result = await run;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Watching EC-WATCH-STOP", Seen());
        Assert.Contains("temp=24.5  hum=60", Seen());
        Assert.Contains("Stopped.", Seen());
    }

    [Fact]
    public async Task Watch_UnknownDevice_Exit1()
    {
        var org = await server.CreateOrgAsync();

        var result = await _ec.WithKey(org.ApiKey).RunAsync("telemetry", "watch", "NOPE-1", "--count", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not found", result.Err);
    }
}
