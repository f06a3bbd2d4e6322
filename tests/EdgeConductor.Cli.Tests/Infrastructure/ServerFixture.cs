using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Orgs;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeConductor.Cli.Tests.Infrastructure;

/// <summary>A real EdgeConductor server in-process on a temp SQLite database, shared by every test of the collection.</summary>
public sealed class ServerFixture : WebApplicationFactory<global::Program>, IAsyncLifetime
{
    public const string AdminEmail = "admin@cli-tests.local";
    public const string AdminPassword = "cli-tests-password-1";
    public static readonly Uri ApiUrl = new("http://localhost/api/v1/");

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "ec-cli-tests-" + Guid.NewGuid().ToString("N"));
    private int _orgCounter;

    /// <summary>A super admin access token (JWT).</summary>
    public string AdminToken { get; private set; } = "";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("EC_DATA_DIR", _dataDir);
        builder.UseSetting("EC_ADMIN_EMAIL", AdminEmail);
        builder.UseSetting("EC_ADMIN_PASSWORD", AdminPassword);
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        using var anonymous = Client(null);
        AdminToken = (await anonymous.Auth.LoginAsync(AdminEmail, AdminPassword)).AccessToken;
    }

    /// <summary>An SDK client talking to the in-process server with <paramref name="apiKey"/>.</summary>
    public EdgeConductorClient Client(string? apiKey, Action<EdgeConductorOptions>? configure = null)
    {
        var options = new EdgeConductorOptions { ApiKey = apiKey, BaseUrl = ApiUrl };
        configure?.Invoke(options);
        return new EdgeConductorClient(new HttpClient(Server.CreateHandler()) { Timeout = TimeSpan.FromSeconds(30) }, options);
    }

    /// <summary>
    /// Asserts that <paramref name="secret"/> is a real device secret for <paramref name="serial"/>: the server's format
    /// ("ds_" and 256 random bits as 43 letters and digits) and accepted by the server (a telemetry push with X-Device-Secret).
    /// </summary>
    public async Task AssertDeviceSecretWorksAsync(string serial, string? secret)
    {
        Assert.Matches("^ds_[A-Za-z0-9]{43}$", secret ?? "");
        using var http = new HttpClient(Server.CreateHandler()) { BaseAddress = ApiUrl };
        using var push = new HttpRequestMessage(HttpMethod.Post, $"devices/{serial}/telemetry")
        {
            Content = new StringContent("{\"temp\":1}", System.Text.Encoding.UTF8, "application/json"),
        };
        push.Headers.Add("X-Device-Secret", secret);
        using var r = await http.SendAsync(push);
        Assert.True(r.StatusCode == System.Net.HttpStatusCode.OK, $"device secret refused: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
    }

    /// <summary>The HTTP handler of the in-process server, for the CLI.</summary>
    public HttpMessageHandler Handler() => Server.CreateHandler();

    /// <summary>A fresh enterprise org (no rate limit) and an API key for it.</summary>
    public async Task<TestOrg> CreateOrgAsync(string? name = null)
    {
        using var admin = Client(AdminToken);
        var n = Interlocked.Increment(ref _orgCounter);
        var org = await admin.Orgs.CreateAsync(new CreateOrgRequest(name ?? $"Test Org {n}", $"t{n}-{Guid.NewGuid().ToString("N")[..12]}", "enterprise"));
        var key = await admin.ApiKeys.GenerateAsync(org.Id, "tests");
        return new TestOrg(org.Id, org.Name, key.Key, key.Id);
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>An org created for a test, with an org_admin API key.</summary>
public sealed record TestOrg(string Id, string Name, string ApiKey, string ApiKeyId);

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
