using EdgeConductor.Cli.Tests.Infrastructure;

namespace EdgeConductor.Cli.Tests.Cli;

[Collection(ServerCollection.Name)]
public sealed class AuthCommandTests(ServerFixture server) : IDisposable
{
    private readonly CliHarness _ec = new(server);

    public void Dispose() => _ec.Dispose();

    [Fact]
    public async Task Login_WithOptions_ValidatesAndSavesConfigWithMode0600()
    {
        var org = await server.CreateOrgAsync("Login Org");

        var login = await _ec.RunAsync("login", "--api-key", org.ApiKey, "--url", "http://localhost/api/v1");

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("Logged in", login.Out);
        Assert.Contains("Login Org", login.Out);
        Assert.True(File.Exists(_ec.ConfigFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_ec.ConfigFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_ec.ConfigDir));
        var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(_ec.ConfigFile)).RootElement;
        Assert.Equal(org.ApiKey, config.GetProperty("api_key").GetString());
        Assert.Equal("http://localhost/api/v1", config.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Login_Prompts_ReadsKeyAndUrlFromInput()
    {
        var org = await server.CreateOrgAsync();

        var login = await _ec.RunAsync(["login", "--json"], stdin: org.ApiKey + "\nhttp://localhost/api/v1\n");

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("API key:", login.Err);
        Assert.Equal(org.Id, login.Json().GetProperty("identity").GetProperty("org_id").GetString());
        Assert.True(File.Exists(_ec.ConfigFile));
    }

    [Fact]
    public async Task Login_BadKey_Exit1_AndSavesNothing()
    {
        var login = await _ec.RunAsync("login", "--api-key", "ec_live_not_a_real_key", "--url", "http://localhost/api/v1");

        Assert.Equal(1, login.ExitCode);
        Assert.Contains("HTTP 401", login.Err);
        Assert.Contains("invalid", login.Err);
        Assert.False(File.Exists(_ec.ConfigFile));
    }

    [Fact]
    public async Task Login_NoKeyGiven_Exit2()
    {
        var login = await _ec.RunAsync("login", "--url", "http://localhost/api/v1");

        Assert.Equal(2, login.ExitCode);
        Assert.Contains("API key is required", login.Err);
    }

    [Fact]
    public async Task WhoAmI_AfterLogin_ShowsIdentity_ThenLogoutRemovesConfig()
    {
        var org = await server.CreateOrgAsync("Whoami Org");
        await _ec.RunAsync("login", "--api-key", org.ApiKey, "--url", "http://localhost/api/v1");

        var table = await _ec.RunAsync("whoami");
        var json = await _ec.RunAsync("whoami", "--json");
        var logout = await _ec.RunAsync("logout");
        var after = await _ec.RunAsync("whoami");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("org_admin", table.Out);
        Assert.Contains("Whoami Org", table.Out);
        Assert.DoesNotContain(org.ApiKey, table.Out); // the key is masked
        Assert.Equal("api_key", json.Json().GetProperty("identity").GetProperty("kind").GetString());
        Assert.Equal(_ec.ConfigFile, json.Json().GetProperty("credential_source").GetString());
        Assert.Equal(0, logout.ExitCode);
        Assert.False(File.Exists(_ec.ConfigFile));
        Assert.Equal(2, after.ExitCode);
        Assert.Contains("Not logged in", after.Err);
        Assert.Contains("ec login", after.Err);
    }

    [Fact]
    public async Task EnvironmentVariables_OverrideConfigFile()
    {
        var saved = await server.CreateOrgAsync("Saved Org");
        var fromEnv = await server.CreateOrgAsync("Env Org");
        await _ec.RunAsync("login", "--api-key", saved.ApiKey, "--url", "http://localhost/api/v1");
        _ec.Variables["EC_API_KEY"] = fromEnv.ApiKey;

        var who = await _ec.RunAsync("whoami", "--json");

        Assert.Equal(fromEnv.Id, who.Json().GetProperty("identity").GetProperty("org_id").GetString());
        Assert.Equal("EC_API_KEY", who.Json().GetProperty("credential_source").GetString());
    }

    [Fact]
    public async Task EcConfigDir_MovesTheConfigFile()
    {
        var org = await server.CreateOrgAsync();
        var dir = Path.Combine(_ec.Root, "custom-config");
        _ec.Variables["EC_CONFIG_DIR"] = dir;

        var login = await _ec.RunAsync("login", "--api-key", org.ApiKey, "--url", "http://localhost/api/v1");

        Assert.Equal(0, login.ExitCode);
        Assert.True(File.Exists(Path.Combine(dir, "config.json")));
        Assert.False(File.Exists(_ec.ConfigFile));
    }

    [Fact]
    public async Task UnreachableServer_FriendlyMessage_Exit1()
    {
        // A real socket to a port nothing listens on (no handler injected).
        var env = new CliEnvironment
        {
            Out = new StringWriter(),
            Error = new StringWriter(),
            Variables = new Dictionary<string, string?> { ["HOME"] = _ec.Home, ["EC_API_KEY"] = "ec_live_x", ["EC_URL"] = "http://127.0.0.1:1/api/v1" },
            WorkingDirectory = _ec.WorkDir,
        };

        var code = await EcCli.RunAsync(["device", "list"], env);

        Assert.Equal(1, code);
        Assert.Contains("Cannot reach the EdgeConductor server at http://127.0.0.1:1/api/v1", env.Error.ToString());
    }

    [Fact]
    public async Task Logout_WhenNotLoggedIn_IsFine()
    {
        var result = await _ec.RunAsync("logout", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.False(result.Json().GetProperty("logged_out").GetBoolean());
    }
}
