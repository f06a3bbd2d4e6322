using System.Text.Json;
using EdgeConductor.Cli.Tests.Infrastructure;

namespace EdgeConductor.Cli.Tests.Simulation;

/// <summary><c>ec simulate</c> itself: options, --json summary, --from-csv with an <c>ec manufacture</c> CSV, usage errors.</summary>
[Collection(SimulationCollection.Name)]
public sealed class SimulateCommandTests(SimulationServer server) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("ec-sim-cli-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private async Task<CliResult> RunAsync(string apiKey, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var env = new CliEnvironment
        {
            Out = output,
            Error = error,
            Variables = new Dictionary<string, string?>
            {
                ["HOME"] = _work,
                ["EC_API_KEY"] = apiKey,
                ["EC_URL"] = server.ApiUrl.ToString(),
                ["EC_MQTT"] = "127.0.0.1:" + server.MqttPort,
            },
            WorkingDirectory = _work,
            Interactive = false,
            Width = 200,
        };
        var code = await EcCli.RunAsync(args, env);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Json_PrintsTheSummary_WithStoredAndLost()
    {
        var (org, key) = await server.CreateOrgAsync();
        var r = await RunAsync(key, "simulate", "--count", "2", "--interval", "0.1", "--duration", "1.5s", "--prefix", "SIM-CLI", "--seed", "7", "--org", org, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var s = r.Json();
        Assert.Equal(2, s.GetProperty("devices").GetInt32());
        Assert.Equal("climate", s.GetProperty("profile").GetString());
        Assert.Equal(7, s.GetProperty("seed").GetInt32());
        var sent = s.GetProperty("sent").GetInt64();
        Assert.True(sent >= 4, r.ToString());
        Assert.Equal(sent, s.GetProperty("stored").GetInt64());
        Assert.Equal(0, s.GetProperty("lost").GetInt64());
        Assert.Equal(JsonValueKind.Object, s.GetProperty("ota").ValueKind);
    }

    [Fact]
    public async Task Plain_PrintsATable()
    {
        var (_, key) = await server.CreateOrgAsync();
        var r = await RunAsync(key, "simulate", "--count", "1", "--interval", "0.1", "--duration", "1", "--prefix", "SIM-CLIT", "--profile", "hvac");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Simulating 1 hvac device(s) over mqtt", r.Out);
        Assert.Contains("readings sent", r.Out);
        Assert.Contains("lost", r.Out);
    }

    [Fact]
    public async Task FromCsv_SimulatesTheManufacturedDevices_WithTheirSecrets()
    {
        var (_, key) = await server.CreateOrgAsync();
        var made = await RunAsync(key, "manufacture", "3", "--prefix", "SIM-FAB", "--type", "EC-CLIMATE-V1", "--json");
        Assert.True(made.ExitCode == 0, made.ToString());
        var csv = made.Json().GetProperty("csv").GetString()!;

        var r = await RunAsync(key, "simulate", "--from-csv", csv, "--interval", "0.1", "--duration", "1.5", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var s = r.Json();
        Assert.Equal(3, s.GetProperty("devices").GetInt32());
        Assert.Equal(s.GetProperty("sent").GetInt64(), s.GetProperty("stored").GetInt64());
        using var api = server.Client(key);
        foreach (var serial in new[] { "SIM-FAB-00001", "SIM-FAB-00002", "SIM-FAB-00003" })
            Assert.NotNull((await api.Devices.GetAsync(serial)).LastSeen);
    }

    [Theory]
    [InlineData("--profile", "toaster", "--profile")]
    [InlineData("--transport", "lora", "--transport")]
    [InlineData("--count", "0", "--count")]
    [InlineData("--count", "10001", "--count")]
    [InlineData("--interval", "0", "--interval")]
    [InlineData("--duration", "soon", "--duration")]
    [InlineData("--spike-rate", "2", "--spike-rate")]
    [InlineData("--ota-fault", "gremlins", "--ota-fault")]
    [InlineData("--from-csv", "missing.csv", "--from-csv")]
    public async Task BadOptions_AreUsageErrors_NamingTheOption(string option, string value, string named)
    {
        var r = await RunAsync("ec_unused", "simulate", option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(named, r.Err);
    }

    [Fact]
    public async Task Cancel_StopsCleanly_AndStillPrintsTheSummary()
    {
        var (_, key) = await server.CreateOrgAsync();
        var output = new StringWriter();
        var env = new CliEnvironment
        {
            Out = output,
            Error = new StringWriter(),
            Variables = new Dictionary<string, string?>
            {
                ["HOME"] = _work, ["EC_API_KEY"] = key, ["EC_URL"] = server.ApiUrl.ToString(), ["EC_MQTT"] = "127.0.0.1:" + server.MqttPort,
            },
            WorkingDirectory = _work,
        };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3)); // Ctrl+C after 3 s; no --duration
        var code = await EcCli.RunAsync(["simulate", "--count", "2", "--interval", "0.2", "--prefix", "SIM-CTRLC", "--json"], env, cts.Token);
        Assert.Equal(0, code);
        var s = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.True(s.GetProperty("sent").GetInt64() > 0, output.ToString());
        Assert.Equal(s.GetProperty("sent").GetInt64(), s.GetProperty("stored").GetInt64());
    }
}
