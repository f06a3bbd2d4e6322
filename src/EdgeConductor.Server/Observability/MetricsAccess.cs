using System.Net;
using System.Security.Cryptography;
using System.Text;
using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Observability;

/// <summary>
/// Who may read <c>GET /metrics</c>. Its series name every tenant's MQTT client ids (per-client drop counts), so it is an
/// operator endpoint, not a public one:
/// <list type="bullet">
/// <item>With <c>EC_METRICS_TOKEN</c> set (16 characters or more): only requests with <c>Authorization: Bearer &lt;token&gt;</c>
/// (Prometheus' <c>authorization</c> / <c>bearer_token</c> scrape setting); anything else gets 401 problem+json.</item>
/// <item>Unset (the default): only callers on this machine (loopback, or no network peer such as a Unix socket); other
/// hosts get 403 problem+json saying to set the token. Behind a reverse proxy on the same machine every caller looks
/// local: set the token there.</item>
/// </list>
/// </summary>
public sealed class MetricsAccess
{
    /// <summary>Shortest accepted EC_METRICS_TOKEN.</summary>
    public const int MinimumTokenLength = 16;

    private readonly byte[]? _token;

    /// <exception cref="InvalidOperationException">EC_METRICS_TOKEN is set but shorter than <see cref="MinimumTokenLength"/>.</exception>
    public MetricsAccess(IConfiguration config)
    {
        var token = config["EC_METRICS_TOKEN"]?.Trim();
        if (string.IsNullOrEmpty(token)) return;
        if (token.Length < MinimumTokenLength)
            throw new InvalidOperationException($"EC_METRICS_TOKEN must be at least {MinimumTokenLength} characters long.");
        _token = Encoding.UTF8.GetBytes(token);
    }

    /// <summary>Throws the 401/403 <see cref="ApiException"/> for a caller that may not read /metrics.</summary>
    public void Demand(HttpContext context)
    {
        if (Decide(context.Connection.RemoteIpAddress, context.Request.Headers.Authorization.ToString(), _token) is { } failure) throw failure;
    }

    /// <summary>Null when allowed, else the error to answer with. <paramref name="remote"/> null means no network peer.</summary>
    internal static ApiException? Decide(IPAddress? remote, string? authorization, byte[]? token)
    {
        if (token is not null)
        {
            const string scheme = "Bearer ";
            var given = authorization is not null && authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
                ? Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()) : [];
            return CryptographicOperations.FixedTimeEquals(given, token)
                ? null : ApiException.Unauthorized("GET /metrics needs Authorization: Bearer with the EC_METRICS_TOKEN value.");
        }

        if (remote is null) return null;
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
        return IPAddress.IsLoopback(remote)
            ? null : ApiException.Forbidden("GET /metrics answers only this machine; set EC_METRICS_TOKEN to scrape it from another host.");
    }
}
