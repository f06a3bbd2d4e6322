using EdgeConductor.Sdk;
using Microsoft.AspNetCore.Http;

namespace EdgeConductor.Web.Session;

/// <summary>
/// The one HTTP connection pool the console uses to call the API, and the factory of SDK clients on it: anonymous (sign-in,
/// refresh, branding) or with a credential provider (a signed-in user). Every call carries the current visitor's address
/// (<see cref="VisitorAddress"/>), so the API's per-IP limits count each visitor, not the console.
/// </summary>
public sealed class ConsoleHttp(ApiEndpoint endpoint, TimeProvider clock, VisitorAddress visitor, IHttpContextAccessor current) : IDisposable
{
    private readonly HttpClient _http = new(new VisitorAddressHandler(visitor, current)
    {
        InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) },
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>An SDK client with no credential (only anonymous endpoints answer).</summary>
    public EdgeConductorClient Anonymous() => Create(null);

    /// <summary>An SDK client asking <paramref name="credential"/> for the bearer token before each request.</summary>
    public EdgeConductorClient Create(Func<CancellationToken, ValueTask<string?>>? credential) => new(_http, new EdgeConductorOptions
    {
        BaseUrl = endpoint.BaseUrl,
        ApiKeyProvider = credential,
        // The console is interactive: a rate-limited call reports at once instead of waiting up to a minute.
        MaxRetries = 0,
        TimeProvider = clock,
        UserAgent = "EdgeConductor.Web/0.1",
    });

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
