using EdgeConductor.Sdk.Anomalies;
using EdgeConductor.Sdk.ApiKeys;
using EdgeConductor.Sdk.Audit;
using EdgeConductor.Sdk.Auth;
using EdgeConductor.Sdk.Commands;
using EdgeConductor.Sdk.Devices;
using EdgeConductor.Sdk.Firmware;
using EdgeConductor.Sdk.Http;
using EdgeConductor.Sdk.Live;
using EdgeConductor.Sdk.Notifications;
using EdgeConductor.Sdk.OtaJobs;
using EdgeConductor.Sdk.Orgs;
using EdgeConductor.Sdk.Rules;
using EdgeConductor.Sdk.Telemetry;
using EdgeConductor.Sdk.Users;
using EdgeConductor.Sdk.Webhooks;

namespace EdgeConductor.Sdk;

/// <summary>
/// The client for the EdgeConductor REST API. Thread-safe; create one and reuse it.
/// <code>
/// var ec = new EdgeConductorClient(new EdgeConductorOptions { ApiKey = "ec_live_…", BaseUrl = new Uri("http://host:8080/api/v1") });
/// await ec.Devices.RegisterAsync("MY-DEVICE-001", "EC-CLIMATE-V1");
/// </code>
/// Every call takes a <see cref="CancellationToken"/>; errors from the server raise <see cref="EdgeConductorApiException"/>.
/// </summary>
public sealed class EdgeConductorClient : IDisposable
{
    private readonly HttpClient? _ownedHttp;
    private readonly ApiTransport _api;

    /// <summary>Creates a client with its own <see cref="HttpClient"/>.</summary>
    public EdgeConductorClient(EdgeConductorOptions options)
        : this(CreateHttpClient(), options ?? throw new ArgumentNullException(nameof(options)), ownsHttpClient: true)
    {
    }

    /// <summary>
    /// Creates a client on an <see cref="HttpClient"/> you own (from IHttpClientFactory, or a test server). The base URL
    /// is <see cref="EdgeConductorOptions.BaseUrl"/> if set, else the client's <see cref="HttpClient.BaseAddress"/>.
    /// The HttpClient's own Timeout applies.
    /// </summary>
    public EdgeConductorClient(HttpClient httpClient, EdgeConductorOptions? options = null)
        : this(httpClient ?? throw new ArgumentNullException(nameof(httpClient)), options ?? new EdgeConductorOptions(), ownsHttpClient: false)
    {
    }

    private EdgeConductorClient(HttpClient http, EdgeConductorOptions options, bool ownsHttpClient)
    {
        if (ownsHttpClient) _ownedHttp = http;
        var api = _api = new ApiTransport(http, options, ownsTimeout: ownsHttpClient);
        Devices = new DevicesClient(api);
        Telemetry = new TelemetryClient(api);
        Orgs = new OrgsClient(api);
        Audit = new AuditClient(api);
        ApiKeys = new ApiKeysClient(api);
        Notifications = new NotificationsClient(api);
        Auth = new AuthClient(api);
        Users = new UsersClient(api);
        Commands = new CommandsClient(api);
        Webhooks = new WebhooksClient(api);
        Anomalies = new AnomaliesClient(api);
        Rules = new RulesClient(api);
        Firmware = new FirmwareClient(api);
        OtaJobs = new OtaJobsClient(api);
        Live = new LiveClient(api);
        Branding = new Branding.BrandingClient(api);
        Partners = new Partners.PartnersClient(api);
        ClaimLinks = new ClaimLinks.ClaimLinksClient(api);
    }

    /// <summary>The API base URL requests go to, ending in a slash.</summary>
    public Uri BaseUrl => _api.BaseUrl;

    /// <summary>Device registry: register, list, get, shadow, config, reboot, assign, delete.</summary>
    public DevicesClient Devices { get; }

    /// <summary>Device commands: send custom commands, follow their state (queued → sent → acknowledged → succeeded/failed/expired), wait for the answer.</summary>
    public CommandsClient Commands { get; }

    /// <summary>Telemetry: push, history, recent, live stream.</summary>
    public TelemetryClient Telemetry { get; }

    /// <summary>Organizations and rooms.</summary>
    public OrgsClient Orgs { get; }

    /// <summary>Audit log.</summary>
    public AuditClient Audit { get; }

    /// <summary>Org API keys.</summary>
    public ApiKeysClient ApiKeys { get; }

    /// <summary>Anomalies: list, get, acknowledge.</summary>
    public AnomaliesClient Anomalies { get; }

    /// <summary>In-app notifications: list, mark read.</summary>
    public NotificationsClient Notifications { get; }

    /// <summary>Who am I, user login.</summary>
    public AuthClient Auth { get; }

    /// <summary>Automation rules: list, threshold, schedule, enable, disable, delete.</summary>
    public RulesClient Rules { get; }

    /// <summary>User accounts: get, disable, enable, change role, delete.</summary>
    public UsersClient Users { get; }

    /// <summary>Webhook signing secret and delivery log.</summary>
    public WebhooksClient Webhooks { get; }
    /// <summary>Firmware releases: list, get, upload, delete, push to a device (seed <c>ec.firmware</c>).</summary>
    public FirmwareClient Firmware { get; }

    /// <summary>OTA jobs: push to a product type with a staged rollout, list, status, pause, resume, cancel.</summary>
    public OtaJobsClient OtaJobs { get; }

    /// <summary>Live server-sent event streams of a device or an org: committed readings and shadow changes.</summary>
    public LiveClient Live { get; }
    /// <summary>White-label branding of a custom domain (anonymous).</summary>
    public Branding.BrandingClient Branding { get; }

    /// <summary>Partners: list, get, stats, create customer orgs.</summary>
    public Partners.PartnersClient Partners { get; }

    /// <summary>QR room-claim links: create (org admin), check, claim, register a tenant.</summary>
    public ClaimLinks.ClaimLinksClient ClaimLinks { get; }

    /// <summary>Disposes the HttpClient this client created (not one passed in).</summary>
    public void Dispose() => _ownedHttp?.Dispose();

    // The stream must not be cut by HttpClient.Timeout, so the owned client has none and requests apply Options.Timeout themselves.
    private static HttpClient CreateHttpClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };
}
