using EdgeConductor.Cli.Simulation;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Orgs;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Cli.Tests.Simulation;

/// <summary>One real server (HTTP and MQTT on real loopback sockets, SQLite) shared by the simulator tests.</summary>
public sealed class SimulationServer : IAsyncLifetime
{
    private readonly EcServer _server = new();
    private string _adminToken = "";
    private int _orgs;

    internal EcServer Server => _server;

    public Uri ApiUrl => new(_server.BaseUri, "api/v1/");

    public int MqttPort => _server.MqttPort;

    public async Task InitializeAsync()
    {
        _server.Start();
        using var anonymous = Client(null);
        _adminToken = (await anonymous.Auth.LoginAsync(EcServer.AdminEmail, EcServer.AdminPassword)).AccessToken;
    }

    public EdgeConductorClient Client(string? apiKey) =>
        new(new HttpClient { Timeout = TimeSpan.FromSeconds(60) }, new EdgeConductorOptions { ApiKey = apiKey, BaseUrl = ApiUrl });

    /// <summary>A fresh enterprise org (no rate limit) and an org_admin API key.</summary>
    public async Task<(string OrgId, string ApiKey)> CreateOrgAsync()
    {
        using var admin = Client(_adminToken);
        var n = Interlocked.Increment(ref _orgs);
        var org = await admin.Orgs.CreateAsync(new CreateOrgRequest($"Sim Org {n}", $"sim{n}-{Guid.NewGuid().ToString("N")[..10]}", "enterprise"));
        var key = await admin.ApiKeys.GenerateAsync(org.Id, "simulator tests");
        return (org.Id, key.Key);
    }

    /// <summary>Options for a fleet against this server; tests change what they need with <c>with</c>-style initializers.</summary>
    public SimulationOptions Options(string prefix, SimulationProfile profile = SimulationProfile.Climate, int count = 1,
        SimulationTransport transport = SimulationTransport.Mqtt, double intervalSeconds = 0.1, double? durationSeconds = null) => new()
    {
        ApiUrl = ApiUrl,
        MqttHost = "127.0.0.1",
        MqttPort = MqttPort,
        Prefix = prefix,
        Profile = profile,
        Count = count,
        Transport = transport,
        Interval = TimeSpan.FromSeconds(intervalSeconds),
        Duration = durationSeconds is { } d ? TimeSpan.FromSeconds(d) : null,
        RebootDelay = TimeSpan.FromMilliseconds(300),
        OtaChunkBytes = 16 * 1024,
    };

    public async Task DisposeAsync() => await _server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SimulationCollection : ICollectionFixture<SimulationServer>
{
    public const string Name = "simulation server";
}
