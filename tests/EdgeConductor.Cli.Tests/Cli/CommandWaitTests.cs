using System.Net;
using System.Text;
using System.Text.Json;
using EdgeConductor.Cli.Tests.Infrastructure;

namespace EdgeConductor.Cli.Tests.Cli;

/// <summary>
/// <c>ec device reboot --wait</c> and <c>ec device command</c> against the real server, with the device answering over
/// HTTPS (POST …/commands/:id/ack with its secret) while the CLI waits; and <c>ec telemetry watch</c>'s heartbeat.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class CommandWaitTests(ServerFixture server) : IDisposable
{
    private readonly CliHarness _ec = new(server);

    public void Dispose() => _ec.Dispose();

    private async Task<(string Secret, EdgeConductor.Sdk.EdgeConductorClient Sdk)> DeviceAsync(string serial)
    {
        var org = await server.CreateOrgAsync();
        _ec.WithKey(org.ApiKey);
        var sdk = server.Client(org.ApiKey);
        var d = await sdk.Devices.RegisterAsync(serial, "tracker");
        return (d.DeviceSecret!, sdk);
    }

    /// <summary>The device's side: waits for the command to exist, then answers it over HTTPS.</summary>
    private async Task AnswerAsync(EdgeConductor.Sdk.EdgeConductorClient sdk, string serial, string secret, string answer, CancellationToken ct)
    {
        string? id = null;
        while (id is null)
        {
            var recent = await sdk.Commands.RecentAsync(serial, 1, ct);
            if (recent.Count > 0) id = recent[0].Id;
            else await Task.Delay(50, ct);
        }
        using var http = new HttpClient(server.Handler()) { BaseAddress = ServerFixture.ApiUrl };
        using var req = new HttpRequestMessage(HttpMethod.Post, $"devices/{serial}/commands/{id}/ack") { Content = new StringContent(answer, Encoding.UTF8, "application/json") };
        req.Headers.Add("X-Device-Secret", secret);
        using var r = await http.SendAsync(req, ct);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task RebootWait_ReportsTheDevicesSuccess_Exit0()
    {
        var (secret, sdk) = await DeviceAsync("EC-WAIT-OK");
        using var _ = sdk;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = _ec.RunAsync(["device", "reboot", "EC-WAIT-OK", "--wait", "--timeout", "30", "--json"], ct: cts.Token);
        await AnswerAsync(sdk, "EC-WAIT-OK", secret, """{"status":"succeeded","result":"back up in 4 s"}""", cts.Token);
        var result = await run;

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal("succeeded", json.GetProperty("state").GetString());
        Assert.Equal("back up in 4 s", json.GetProperty("result").GetString());
        Assert.Equal("reboot", json.GetProperty("cmd").GetString());
    }

    [Fact]
    public async Task CustomCommandWait_ReportsTheDevicesFailure_Exit1()
    {
        var (secret, sdk) = await DeviceAsync("EC-WAIT-FAIL");
        using var _ = sdk;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = _ec.RunAsync(["device", "command", "EC-WAIT-FAIL", "set_interval", "--param", "seconds=30", "--param", "mode=eco", "--wait", "--timeout", "30"], ct: cts.Token);
        await AnswerAsync(sdk, "EC-WAIT-FAIL", secret, """{"status":"failed","result":"interval below 60 s"}""", cts.Token);
        var result = await run;

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("could not carry out set_interval: interval below 60 s", result.Out);
        var sent = (await sdk.Commands.RecentAsync("EC-WAIT-FAIL", 1))[0];
        Assert.Equal(30, sent.Params.GetProperty("seconds").GetInt32());
        Assert.Equal("eco", sent.Params.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task CommandWait_WithoutAnAnswer_SaysSoAfterTheTimeout_Exit1_AndCommandsListsIt()
    {
        var (_, sdk) = await DeviceAsync("EC-WAIT-NONE");
        using var _d = sdk;
        var result = await _ec.RunAsync("device", "command", "EC-WAIT-NONE", "locate", "--wait", "--timeout", "1");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("no final answer within 1 s; the command is queued", result.Out);

        var list = await _ec.RunAsync("device", "commands", "EC-WAIT-NONE", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var only = Assert.Single(list.Json().EnumerateArray());
        Assert.Equal("locate", only.GetProperty("cmd").GetString());
        Assert.Equal("queued", only.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Command_BadParams_IsAUsageError()
    {
        _ec.WithKey("ec_live_unused");
        var result = await _ec.RunAsync("device", "command", "X-1", "locate", "--params", "[1]");
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Watch_ShowsAHeartbeat_WhenAnUnchangedReadingArrives()
    {
        var (_, sdk) = await DeviceAsync("EC-WATCH-BEAT");
        using var _d = sdk;
        await sdk.Telemetry.PushAsync("EC-WATCH-BEAT", new { temp = 1 });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var buffer = new StringWriter();
        var output = TextWriter.Synchronized(buffer);
        string Seen()
        {
            lock (output) return buffer.ToString();
        }

        var run = _ec.RunAsync(["telemetry", "watch", "EC-WATCH-BEAT", "--count", "2", "-i", "1"], ct: cts.Token, outWriter: output);
        // The same values again until the watcher reports the heartbeat (it may connect after the first pushes)…
        while (!Seen().Contains("values unchanged", StringComparison.Ordinal) && !run.IsCompleted)
        {
            await sdk.Telemetry.PushAsync("EC-WATCH-BEAT", new { temp = 1 }, cts.Token);
            await Task.WhenAny(run, Task.Delay(150, cts.Token));
        }
        // …then a change, the second reading shown.
        while (!run.IsCompleted)
        {
            await sdk.Telemetry.PushAsync("EC-WATCH-BEAT", new { temp = 2 }, cts.Token);
            await Task.WhenAny(run, Task.Delay(150, cts.Token));
        }
        var result = await run;

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = Seen().Split('\n');
        Assert.Contains(lines, l => l.Contains("♥ reading received, values unchanged", StringComparison.Ordinal));
        Assert.Equal(1, lines.Count(l => l.Contains("temp=1", StringComparison.Ordinal)));   // shown once
        Assert.Contains(lines, l => l.Contains("temp=2", StringComparison.Ordinal));
    }
}
