using EdgeConductor.Cli.Tests.Infrastructure;

namespace EdgeConductor.Cli.Tests.Cli;

/// <summary><c>ec rule list|threshold|schedule|enable|disable|delete</c> against the real server.</summary>
[Collection(ServerCollection.Name)]
public sealed class RuleCommandTests(ServerFixture server) : IDisposable
{
    private readonly CliHarness _ec = new(server);

    public void Dispose() => _ec.Dispose();

    [Fact]
    public async Task CreateListToggleDelete_WithJson()
    {
        var org = await server.CreateOrgAsync();
        _ec.WithKey(org.ApiKey);

        var t = await _ec.RunAsync("rule", "threshold", "CO2 High Alert", "co2", ">", "1000", "relay", "true", "--json");
        Assert.True(t.ExitCode == 0, t.ToString());
        var id = t.Json().GetProperty("id").GetString()!;
        Assert.Equal(">", t.Json().GetProperty("condition").GetProperty("op").GetString());
        Assert.True(t.Json().GetProperty("action").GetProperty("value").GetBoolean());

        var s = await _ec.RunAsync("rule", "schedule", "Night shutoff", "22:00", "mon,tue,wed,thu,fri", "relay", "false", "--org", org.Id);
        Assert.True(s.ExitCode == 0, s.ToString());
        Assert.Contains("AT 22:00 mon,tue,wed,thu,fri THEN relay = false", s.Out);

        var list = await _ec.RunAsync("rule", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(2, list.Json().GetArrayLength());

        var disabled = await _ec.RunAsync("rule", "disable", id, "--json");
        Assert.False(disabled.Json().GetProperty("enabled").GetBoolean());
        var enabled = await _ec.RunAsync("rule", "enable", id);
        Assert.True(enabled.ExitCode == 0, enabled.ToString());
        Assert.Contains("Enabled rule CO2 High Alert", enabled.Out);

        var deleted = await _ec.RunAsync("rule", "delete", id, "--json");
        Assert.True(deleted.Json().GetProperty("deleted").GetBoolean());
        Assert.Equal(1, (await _ec.RunAsync("rule", "list", "--json")).Json().GetArrayLength());
    }

    [Fact]
    public async Task BadOp_ExitsWithTheServersFieldError()
    {
        var org = await server.CreateOrgAsync();
        _ec.WithKey(org.ApiKey);
        var r = await _ec.RunAsync("rule", "threshold", "x", "co2", "=>", "1", "relay", "true");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("condition.op", r.Out + r.Err);
    }
}
