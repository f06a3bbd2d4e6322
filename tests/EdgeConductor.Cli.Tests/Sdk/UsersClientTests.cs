using System.Net.Http.Json;
using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Sdk;

namespace EdgeConductor.Cli.Tests.Sdk;

[Collection(ServerCollection.Name)]
public sealed class UsersClientTests(ServerFixture server)
{
    private async Task<string> CreateUserAsync(TestOrg org, string role)
    {
        using var http = new HttpClient(server.Handler()) { BaseAddress = ServerFixture.ApiUrl };
        http.DefaultRequestHeaders.Authorization = new("Bearer", org.ApiKey);
        var r = await http.PostAsJsonAsync($"orgs/{org.Id}/users",
            new { email = $"sdk-user-{Guid.NewGuid():N}@test.local", role, password = "sdk-user-password-1" });
        r.EnsureSuccessStatusCode();
        return (await r.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task GetDisableEnableChangeRoleDelete_AsOrgApiKey()
    {
        var org = await server.CreateOrgAsync();
        var id = await CreateUserAsync(org, "customer");
        using var ec = server.Client(org.ApiKey);

        Assert.False((await ec.Users.GetAsync(id)).Disabled);
        Assert.True((await ec.Users.DisableAsync(id)).Disabled);
        Assert.False((await ec.Users.EnableAsync(id)).Disabled);
        Assert.Equal("org_admin", (await ec.Users.ChangeRoleAsync(id, "org_admin")).Role);
        await ec.Users.DeleteAsync(id);
        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() => ec.Users.GetAsync(id));
        Assert.Equal(404, ex.Status);
    }

    [Fact]
    public async Task Delete_UserOfAnotherOrg_Is404()
    {
        var mine = await server.CreateOrgAsync();
        var other = await server.CreateOrgAsync();
        var id = await CreateUserAsync(other, "customer");
        using var ec = server.Client(mine.ApiKey);
        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() => ec.Users.DeleteAsync(id));
        Assert.Equal(404, ex.Status);
    }
}
