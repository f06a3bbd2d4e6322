using EdgeConductor.Server.Auth;

namespace EdgeConductor.Server.Tests.Security;

/// <summary>
/// Issue 8, hardening "tokens vs accounts": a signed access token is honoured only while its user exists, is enabled and
/// still has the token's role and org — checked on every request (cached at most <see cref="CallerValidator.CacheLifetime"/>,
/// dropped on every access change) and fresh, uncached, on endpoints that create credentials. Refresh tokens of a disabled
/// or deleted user stop working.
/// </summary>
public sealed class TokenAccountTests(EcServerFactory server) : IClassFixture<EcServerFactory>
{
    private EcApi Api => server.Api;

    /// <summary>Changes the users table behind the API's back, as the probe did: no access-epoch bump, so only the cache lifetime or a fresh check catches it.</summary>
    private async Task SqlAsync(string sql)
    {
        await using var conn = await server.Database.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task UserDeletedViaApi_AccessToken_Gets401AtOnceOnEveryEndpoint()
    {
        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "org_admin");
        using var c = Api.Client(user.Token);
        await c.GetAsync($"{EcApi.Base}/devices").ExpectAsync(HttpStatusCode.OK); // control: works, and is now cached

        using var admin = await Api.AdminClientAsync();
        await admin.DeleteAsync($"{EcApi.Base}/users/{user.Id}").ExpectAsync(HttpStatusCode.NoContent);

        await c.GetAsync($"{EcApi.Base}/devices").ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await c.PostJsonAsync($"{EcApi.Base}/orgs/{org.Id}/api-keys", new { name = "backdoor" }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task UserDeletedInDatabase_CannotCreateApiKey_AndTokenDiesWhenTheCacheExpires()
    {
        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "org_admin");
        using var c = Api.Client(user.Token);
        await c.GetAsync($"{EcApi.Base}/devices").ExpectAsync(HttpStatusCode.OK); // control, fills the cache

        await SqlAsync($"DELETE FROM refresh_tokens WHERE user_id = '{user.Id}'; DELETE FROM users WHERE id = '{user.Id}'");

        // Credential-creating endpoints check fresh: no permanent key for a deleted account, not even within the cache lifetime.
        await c.PostJsonAsync($"{EcApi.Base}/orgs/{org.Id}/api-keys", new { name = "backdoor" }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await c.PostJsonAsync($"{EcApi.Base}/orgs/{org.Id}/users", new { email = Unique.Email(), role = "org_admin", password = EcApi.DefaultPassword })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await c.PostJsonAsync($"{EcApi.Base}/devices/register", new { serial_no = Unique.Serial(), product_type = "EC-CLIMATE-V1", org_id = org.Id })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized);

        server.Clock.Advance(CallerValidator.CacheLifetime + TimeSpan.FromSeconds(1));
        await c.GetAsync($"{EcApi.Base}/devices").ExpectProblemAsync(HttpStatusCode.Unauthorized);
        using var admin = await Api.AdminClientAsync();
        var keys = await admin.GetAsync($"{EcApi.Base}/orgs/{org.Id}/api-keys").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, keys.GetArrayLength());
    }

    [Fact]
    public async Task RoleLoweredInDatabase_OldTokenWithTheHigherRole_IsRefused()
    {
        var org = await Api.CreateOrgAsync();
        var device = await Api.RegisterDeviceAsync(org.Id);
        var user = await Api.CreateUserAsync(org.Id, "org_admin");
        using var c = Api.Client(user.Token);
        await c.GetAsync($"{EcApi.Base}/devices/{device.SerialNo}").ExpectAsync(HttpStatusCode.OK);

        await SqlAsync($"UPDATE users SET role = 'customer' WHERE id = '{user.Id}'");
        await c.PostAsync($"{EcApi.Base}/devices/{device.SerialNo}/secret/rotate", null).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        server.Clock.Advance(CallerValidator.CacheLifetime + TimeSpan.FromSeconds(1));
        await c.GetAsync($"{EcApi.Base}/devices").ExpectProblemAsync(HttpStatusCode.Unauthorized);

        // A new login carries the new role.
        var s = await Api.LoginAsync(user.Email, user.Password);
        Assert.Equal("customer", s.Role);
    }

    [Fact]
    public async Task DisabledUser_RefreshTokenStopsWorking_EvenIfItWasNotRevoked()
    {
        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "customer");
        await SqlAsync($"UPDATE users SET disabled_at = 1 WHERE id = '{user.Id}'");
        using var anon = Api.Client(null);
        await anon.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = user.Session.RefreshToken })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ApiKey_CreatingAKeyWithARevokedKey_IsRefused()
    {
        var org = await Api.CreateOrgAsync();
        var key = await Api.CreateApiKeyAsync(org.Id);
        using var c = Api.Client(key.Key);
        await c.PostJsonAsync($"{EcApi.Base}/orgs/{org.Id}/api-keys", new { name = "child" }).ExpectAsync(HttpStatusCode.Created); // control
        using var admin = await Api.AdminClientAsync();
        await admin.DeleteAsync($"{EcApi.Base}/api-keys/{key.Id}").ExpectAsync(HttpStatusCode.OK);
        await c.PostJsonAsync($"{EcApi.Base}/orgs/{org.Id}/api-keys", new { name = "child-2" }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }
}
