using EdgeConductor.Cli.Tests.Infrastructure;

namespace EdgeConductor.Cli.Tests.Cli;

[Collection(ServerCollection.Name)]
public sealed class UsageTests(ServerFixture server) : IDisposable
{
    private readonly CliHarness _ec = new(server);

    public void Dispose() => _ec.Dispose();

    [Theory]
    [InlineData("nonsense")]
    [InlineData("device")]
    [InlineData("device", "create", "ONLY-SERIAL")]
    [InlineData("device", "list", "--bogus")]
    [InlineData("manufacture", "10", "--type", "tracker")]
    [InlineData("manufacture", "ten", "--prefix", "P", "--type", "tracker")]
    [InlineData("org", "create", "X", "--plan", "platinum")]
    public async Task BadArguments_Exit2(params string[] args)
    {
        var result = await _ec.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--help", result.Err);
    }

    [Fact]
    public async Task Help_Exit0_ListsCommands()
    {
        var result = await _ec.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var c in new[] { "login", "whoami", "logout", "device", "telemetry", "org", "manufacture" })
            Assert.Contains(c, result.Out);
    }

    [Fact]
    public async Task NotLoggedIn_Exit2_WithHint()
    {
        var result = await _ec.RunAsync("device", "list");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Not logged in. Run 'ec login'", result.Err);
    }

    [Fact]
    public async Task NotLoggedIn_Json_ErrorIsJsonOnStderr()
    {
        var result = await _ec.RunAsync("org", "list", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        var err = System.Text.Json.JsonDocument.Parse(result.Err).RootElement;
        Assert.Contains("Not logged in", err.GetProperty("error").GetProperty("detail").GetString());
    }
}
