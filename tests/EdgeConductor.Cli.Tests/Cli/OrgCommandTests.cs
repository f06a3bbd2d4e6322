using EdgeConductor.Cli.Tests.Infrastructure;

namespace EdgeConductor.Cli.Tests.Cli;

[Collection(ServerCollection.Name)]
public sealed class OrgCommandTests(ServerFixture server) : IDisposable
{
    private readonly CliHarness _ec = new(server);

    public void Dispose() => _ec.Dispose();

    [Fact]
    public async Task List_WithApiKey_ShowsOwnOrg()
    {
        var org = await server.CreateOrgAsync("Listed Org");

        var table = await _ec.WithKey(org.ApiKey).RunAsync("org", "list");
        var json = await _ec.RunAsync("org", "list", "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("Listed Org", table.Out);
        Assert.Contains("enterprise", table.Out);
        Assert.Equal([org.Id], json.Json().EnumerateArray().Select(o => o.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Create_AsSuperAdmin_Works()
    {
        var result = await _ec.WithKey(server.AdminToken).RunAsync("org", "create", "Acme Corp CLI", "--plan", "pro", "--json");
        var table = await _ec.RunAsync("org", "create", "Beta Industries");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Acme Corp CLI", result.Json().GetProperty("name").GetString());
        Assert.Equal("acme-corp-cli", result.Json().GetProperty("slug").GetString());
        Assert.Equal("pro", result.Json().GetProperty("plan").GetString());
        Assert.Contains("Created org Beta Industries", table.Out);
    }

    [Fact]
    public async Task Create_WithOrgApiKey_Exit1_Forbidden()
    {
        var org = await server.CreateOrgAsync();

        var result = await _ec.WithKey(org.ApiKey).RunAsync("org", "create", "Nope Inc");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HTTP 403 FORBIDDEN", result.Err);
    }

    [Fact]
    public async Task Create_DuplicateSlug_Exit1_Conflict()
    {
        _ec.WithKey(server.AdminToken);
        await _ec.RunAsync("org", "create", "Dup Org", "--slug", "dup-org-cli");

        var result = await _ec.RunAsync("org", "create", "Dup Org", "--slug", "dup-org-cli");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HTTP 409", result.Err);
    }
}
