using System.Net.Http.Json;
using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Sdk;

namespace EdgeConductor.Cli.Tests.Cli;

[Collection(ServerCollection.Name)]
public sealed class UserCommandTests(ServerFixture server) : IDisposable
{
    private readonly CliHarness _ec = new(server);

    public void Dispose() => _ec.Dispose();

    /// <summary>A customer of <paramref name="org"/>, created over HTTP (the SDK has no user creation).</summary>
    private async Task<(string Id, string Email)> CreateCustomerAsync(TestOrg org)
    {
        using var http = new HttpClient(server.Handler()) { BaseAddress = ServerFixture.ApiUrl };
        http.DefaultRequestHeaders.Authorization = new("Bearer", org.ApiKey);
        var email = $"cli-user-{Guid.NewGuid():N}@test.local";
        var r = await http.PostAsJsonAsync($"orgs/{org.Id}/users", new { email, role = "customer", password = "cli-user-password-1" });
        r.EnsureSuccessStatusCode();
        var json = await r.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return (json.GetProperty("id").GetString()!, email);
    }

    private async Task<bool> CanLogInAsync(string email)
    {
        using var anon = server.Client(null);
        try
        {
            await anon.Auth.LoginAsync(email, "cli-user-password-1");
            return true;
        }
        catch (EdgeConductorApiException ex) when (ex.Status == 401)
        {
            return false;
        }
    }

    [Fact]
    public async Task DisableEnableDelete_WithOrgApiKey_Work()
    {
        var org = await server.CreateOrgAsync();
        var (id, email) = await CreateCustomerAsync(org);
        _ec.WithKey(org.ApiKey);
        Assert.True(await CanLogInAsync(email)); // control

        var disabled = await _ec.RunAsync("user", "disable", id, "--json");
        Assert.True(disabled.ExitCode == 0, disabled.ToString());
        Assert.True(disabled.Json().GetProperty("disabled").GetBoolean());
        Assert.False(await CanLogInAsync(email));

        var enabled = await _ec.RunAsync("user", "enable", id);
        Assert.True(enabled.ExitCode == 0, enabled.ToString());
        Assert.Contains("Enabled " + email, enabled.Out);
        Assert.True(await CanLogInAsync(email));

        var deleted = await _ec.RunAsync("user", "delete", id);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Contains("Deleted user " + id, deleted.Out);
        Assert.False(await CanLogInAsync(email));
    }

    [Fact]
    public async Task Disable_UserOfAnotherOrg_Exit1_NotFound()
    {
        var mine = await server.CreateOrgAsync();
        var other = await server.CreateOrgAsync();
        var (id, _) = await CreateCustomerAsync(other);

        var result = await _ec.WithKey(mine.ApiKey).RunAsync("user", "disable", id);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HTTP 404", result.Err);
    }
}
