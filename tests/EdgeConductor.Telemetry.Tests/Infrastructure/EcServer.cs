using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace EdgeConductor.Telemetry.Tests.Infrastructure;

/// <summary>
/// The real server on real Kestrel sockets: HTTP, MQTT over TCP and MQTT over TLS on free loopback ports, SQLite in a
/// temporary data dir, and a clock the test can move (<see cref="Clock"/>).
/// </summary>
internal sealed class EcServer : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@telemetry-tests.local";
    public const string AdminPassword = "Telemetry-Tests-Admin-1!";

    private readonly bool _allowAnonymous;
    private readonly string _database;
    private readonly bool _ownsDataDir;
    private readonly Action<IServiceCollection>? _services;
    private readonly IReadOnlyDictionary<string, string> _settings;

    /// <param name="postgres">EC_DATABASE: a PostgreSQL connection string, or null for SQLite in the data dir.</param>
    /// <param name="clock">The server's TimeProvider; default <see cref="Clock"/> (real time plus an offset).</param>
    /// <param name="dataDir">An existing data dir to start on (a restart); the caller deletes it. Default: a new temp dir, deleted on dispose.</param>
    /// <param name="services">Test overrides of the server's services (e.g. options), applied last.</param>
    /// <param name="settings">More configuration (EC_CORS_ORIGINS, …), applied after the defaults above.</param>
    public EcServer(bool allowAnonymous = false, string? postgres = null, TimeProvider? clock = null, string? dataDir = null,
        Action<IServiceCollection>? services = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        _settings = settings ?? new Dictionary<string, string>();
        _allowAnonymous = allowAnonymous;
        ServerClock = clock ?? Clock;
        _database = postgres ?? "";
        _ownsDataDir = dataDir is null;
        _services = services;
        DataDir = dataDir ?? Path.Combine(Path.GetTempPath(), "ec-telemetry-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(DataDir);
        var ports = EdgeConductor.Testing.TestPorts.Free(3);
        HttpPort = ports[0];
        MqttPort = ports[1];
        MqttsPort = ports[2];
    }

    public string DataDir { get; }
    public int HttpPort { get; }
    public int MqttPort { get; }
    public int MqttsPort { get; }
    public OffsetTimeProvider Clock { get; } = new();

    /// <summary>The TimeProvider the server actually uses (<see cref="Clock"/> unless another was given).</summary>
    public TimeProvider ServerClock { get; }

    /// <summary>Error-level log entries the server wrote (an unexpected 500 leaves one here).</summary>
    public ErrorLog Errors { get; } = new();
    public Uri BaseUri => new($"http://127.0.0.1:{HttpPort}/");

    /// <summary>Starts the host (idempotent).</summary>
    public EcServer Start()
    {
        UseKestrel();
        StartServer();
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("urls", $"http://127.0.0.1:{HttpPort}");
        builder.UseSetting("EC_DATA_DIR", DataDir);
        builder.UseSetting("EC_DATABASE", _database);
        builder.UseSetting("EC_ADMIN_EMAIL", AdminEmail);
        builder.UseSetting("EC_ADMIN_PASSWORD", AdminPassword);
        builder.UseSetting("EC_ANON_RATE_LIMIT", "1000000");
        builder.UseSetting("EC_DEVICE_RATE_LIMIT", "1000000");
        builder.UseSetting("EC_MQTT_BIND", "127.0.0.1");
        builder.UseSetting("EC_MQTT_PORT", MqttPort.ToString());
        builder.UseSetting("EC_MQTTS_PORT", MqttsPort.ToString());
        builder.UseSetting("EC_MQTT_ALLOW_ANONYMOUS", _allowAnonymous ? "true" : "false");
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
        builder.ConfigureLogging(l =>
        {
            l.SetMinimumLevel(LogLevel.Warning);
            l.AddProvider(Errors);
        });
        builder.ConfigureTestServices(s =>
        {
            s.RemoveAll<TimeProvider>();
            s.AddSingleton(ServerClock);
            _services?.Invoke(s);
        });
    }

    /// <summary>An HTTP client on the real socket; base address is the API root (/api/v1/).</summary>
    public HttpClient Http(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUri, "api/v1/"), Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    /// <summary>The generated self-signed MQTT TLS certificate, as a PEM file a client can use as its CA.</summary>
    public string ExportTlsCaPem()
    {
        var pem = Path.Combine(DataDir, "mqtt-ca.pem");
        if (File.Exists(pem)) return pem;
        using var cert = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(DataDir, "mqtt-selfsigned.pfx"), null);
        File.WriteAllText(pem, cert.ExportCertificatePem());
        return pem;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (!_ownsDataDir) return;
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
