using EdgeConductor.Server.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Xunit;

namespace EdgeConductor.Testing;

/// <summary>
/// The real EdgeConductor server, in memory, on a fresh SQLite folder or a fresh PostgreSQL database, with a
/// controllable clock. Share one per test class (<c>IClassFixture&lt;EcServerFactory&gt;</c>): starting a server is the
/// expensive part. <see cref="Api"/> has helpers for the usual set-up (admin login, orgs, keys, users, devices).
/// </summary>
public class EcServerFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string DefaultAdminEmail = "admin@test.local";
    public const string DefaultAdminPassword = "admin-password-1";

    private readonly string _dataDir;
    private readonly bool _ownsDataDir;
    private string? _postgresConnectionString;
    private bool _ownsPostgresDatabase;
    private bool _disposed;
    private EcApi? _api;

    public EcServerFactory() : this(new EcServerOptions()) { }

    /// <summary>For fixtures that derive with other options (xunit fixtures may have only one public constructor).</summary>
    protected EcServerFactory(EcServerOptions options)
    {
        Options = options;
        Clock = new ManualTimeProvider();
        _ownsDataDir = options.DataDir is null;
        _dataDir = options.DataDir ?? Path.Combine(Path.GetTempPath(), "ec-test-" + Guid.NewGuid().ToString("N")[..12]);
    }

    /// <summary>A server with <paramref name="options"/>, for a test that starts its own (remember to dispose it).</summary>
    public static async Task<EcServerFactory> StartAsync(EcServerOptions options)
    {
        var f = new EcServerFactory(options);
        await f.InitializeAsync();
        return f;
    }

    public EcServerOptions Options { get; }

    /// <summary>The server's clock when <see cref="EcServerOptions.FakeClock"/> is on (the default).</summary>
    public ManualTimeProvider Clock { get; }

    /// <summary>The folder the server uses as EC_DATA_DIR (SQLite file, keys).</summary>
    public string DataDir => _dataDir;

    /// <summary>EC_DATABASE: empty for SQLite, else the PostgreSQL connection string of this server's own database.</summary>
    public string DatabaseConnectionString => _postgresConnectionString ?? "";

    /// <summary>Helpers that call the API over HTTP (admin login cached).</summary>
    public EcApi Api => _api ??= new EcApi(this);

    /// <summary>The server's <see cref="Database"/>, for tests that must arrange state no API reaches yet.</summary>
    public Database Database => Services.GetRequiredService<Database>();

    public virtual async Task InitializeAsync()
    {
        if (Options.Database == TestDatabase.Postgres)
        {
            if (Options.PostgresConnectionString is { } given) _postgresConnectionString = given;
            else
            {
                var pg = await PostgresTestServer.GetAsync();
                _postgresConnectionString = await pg.CreateDatabaseAsync(Options.Name ?? GetType().Name);
                _ownsPostgresDatabase = true;
            }
        }
        _ = Server; // start now, so a start-up failure fails the fixture with its real cause
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>Stops the server and removes its data folder and PostgreSQL database (unless they were given in the options).</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await base.DisposeAsync();
        if (_postgresConnectionString is not null && _ownsPostgresDatabase)
        {
            try { await (await PostgresTestServer.GetAsync()).DropDatabaseAsync(_postgresConnectionString); }
            catch (Npgsql.NpgsqlException) { } // the cluster goes away at process exit anyway
        }
        try { if (_ownsDataDir && Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true); }
        catch (IOException) { }
        GC.SuppressFinalize(this);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("EC_DATA_DIR", _dataDir);
        builder.UseSetting("EC_DATABASE", DatabaseConnectionString);
        builder.UseSetting("EC_ADMIN_EMAIL", Options.AdminEmail);
        builder.UseSetting("EC_ADMIN_PASSWORD", Options.AdminPassword);
        builder.UseSetting("EC_ANON_RATE_LIMIT", Options.AnonymousRequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("EC_DEVICE_RATE_LIMIT", Options.DeviceRequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("EC_MAX_FAILED_LOGINS", Options.MaxFailedLogins.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (k, v) in Options.Settings) builder.UseSetting(k, v);
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
        {
            if (Options.FakeClock)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(Clock);
            }
            ConfigureTestServices(services);
        });
    }

    /// <summary>Override to replace more services.</summary>
    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    /// <summary>An HTTP client for the in-memory server, authenticated with <paramref name="bearer"/> when given.</summary>
    public HttpClient CreateClient(string? bearer)
    {
        var c = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (bearer is not null) c.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        return c;
    }
}

/// <summary>A server on a fresh PostgreSQL database of the shared test cluster.</summary>
public class PostgresServerFactory() : EcServerFactory(new EcServerOptions { Database = TestDatabase.Postgres });
