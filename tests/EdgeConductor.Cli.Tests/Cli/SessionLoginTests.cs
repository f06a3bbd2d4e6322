using System.Text;
using System.Text.Json;
using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Sdk;

namespace EdgeConductor.Cli.Tests.Cli;

/// <summary><c>ec login --email</c>: a user session (access + refresh token) for super admins and partners.</summary>
[Collection(ServerCollection.Name)]
public sealed class SessionLoginTests(ServerFixture server) : IDisposable
{
    private readonly CliHarness _ec = new(server);

    public void Dispose() => _ec.Dispose();

    private Task<CliResult> LoginAsAdminAsync() =>
        _ec.RunAsync("login", "--email", ServerFixture.AdminEmail, "--password", ServerFixture.AdminPassword, "--url", "http://localhost/api/v1");

    private JsonElement Config() => JsonDocument.Parse(File.ReadAllText(_ec.ConfigFile)).RootElement.Clone();

    [Fact]
    public async Task LoginWithEmail_SavesSession_AndSuperAdminCanCreateOrgs()
    {
        var login = await LoginAsAdminAsync();
        var who = await _ec.RunAsync("whoami");
        var org = await _ec.RunAsync("org", "create", "Session Org", "--json");

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("super_admin", login.Out);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_ec.ConfigFile));
        var config = Config();
        Assert.Equal(ServerFixture.AdminEmail, config.GetProperty("email").GetString());
        Assert.False(config.TryGetProperty("api_key", out var k) && k.ValueKind == JsonValueKind.String);
        Assert.Matches("^rt_[A-Za-z0-9]{43}$", config.GetProperty("refresh_token").GetString() ?? ""); // "rt_" + 256 random bits
        Assert.DoesNotContain(ServerFixture.AdminPassword, File.ReadAllText(_ec.ConfigFile));
        Assert.Contains($"session of {ServerFixture.AdminEmail}", who.Out);
        Assert.True(org.ExitCode == 0, org.ToString());
        Assert.Equal("Session Org", org.Json().GetProperty("name").GetString());
    }

    [Fact]
    public async Task LoginWithEmail_PasswordPrompted()
    {
        var login = await _ec.RunAsync(["login", "--email", ServerFixture.AdminEmail, "--url", "http://localhost/api/v1"],
            stdin: ServerFixture.AdminPassword + "\n");

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("Password:", login.Err);
    }

    [Fact]
    public async Task LoginWithEmail_WrongPassword_Exit1()
    {
        var login = await _ec.RunAsync("login", "--email", "nobody@cli-tests.local", "--password", "wrong-password", "--url", "http://localhost/api/v1");

        Assert.Equal(1, login.ExitCode);
        Assert.Contains("Invalid e-mail or password.", login.Err);
        Assert.False(File.Exists(_ec.ConfigFile));
    }

    [Fact]
    public async Task ExpiredAccessToken_IsRefreshedAndSaved()
    {
        await LoginAsAdminAsync();
        var before = Config();
        // Replace the access token with one that expired an hour ago.
        var expired = FakeJwt(DateTimeOffset.UtcNow.AddHours(-1));
        File.WriteAllText(_ec.ConfigFile, JsonSerializer.Serialize(new
        {
            api_key = (string?)null,
            url = "http://localhost/api/v1",
            email = ServerFixture.AdminEmail,
            access_token = expired,
            refresh_token = before.GetProperty("refresh_token").GetString(),
        }));

        var list = await _ec.RunAsync("org", "list", "--json");

        Assert.True(list.ExitCode == 0, list.ToString());
        var after = Config();
        Assert.NotEqual(expired, after.GetProperty("access_token").GetString());
        Assert.NotEqual(before.GetProperty("refresh_token").GetString(), after.GetProperty("refresh_token").GetString());
    }

    [Fact]
    public async Task Logout_EndsTheSessionOnTheServer()
    {
        await LoginAsAdminAsync();
        var refresh = Config().GetProperty("refresh_token").GetString()!;

        var logout = await _ec.RunAsync("logout", "--json");
        using var anonymous = server.Client(null);
        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() => anonymous.Auth.RefreshAsync(refresh));

        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.True(logout.Json().GetProperty("session_revoked").GetBoolean());
        Assert.False(File.Exists(_ec.ConfigFile));
        Assert.Equal(401, ex.Status);
    }

    [Fact]
    public async Task RevokedSession_FriendlyMessage_Exit2()
    {
        await LoginAsAdminAsync();
        var config = Config();
        using var anonymous = server.Client(null);
        await anonymous.Auth.RefreshAsync(config.GetProperty("refresh_token").GetString()!); // rotates: the saved one is now spent
        File.WriteAllText(_ec.ConfigFile, JsonSerializer.Serialize(new
        {
            url = "http://localhost/api/v1",
            email = ServerFixture.AdminEmail,
            access_token = FakeJwt(DateTimeOffset.UtcNow.AddHours(-1)),
            refresh_token = config.GetProperty("refresh_token").GetString(),
        }));

        var result = await _ec.RunAsync("org", "list");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"Run 'ec login --email {ServerFixture.AdminEmail}' again", result.Err);
    }

    [Fact]
    public async Task ApiKeyAndEmailTogether_Exit2()
    {
        var result = await _ec.RunAsync("login", "--api-key", "ec_live_x", "--email", "a@b.c");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("either --api-key or --email", result.Err);
    }

    private static string FakeJwt(DateTimeOffset exp)
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{B64("""{"alg":"HS256","typ":"JWT"}""")}.{B64($$"""{"sub":"x","exp":{{exp.ToUnixTimeSeconds()}}}""")}.c2ln";
    }
}
