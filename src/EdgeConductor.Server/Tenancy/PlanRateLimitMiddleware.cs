using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Hosting;

namespace EdgeConductor.Server.Tenancy;

/// <summary>
/// API rate limits by org plan (starter 100, pro 1,000, business 10,000 requests/min, enterprise none), shared by all of
/// an org's users and keys; unauthenticated callers are limited per IP. Requests a device makes with its own credential
/// (X-Device-Secret) on the routes that verify it (<see cref="DeviceCredentialEndpoint"/>) are limited per device instead,
/// in <see cref="DeviceCredential"/> — many devices may share one carrier-NAT address. Over the limit → 429 with
/// Retry-After. Limits are per server instance.
/// </summary>
internal sealed class PlanRateLimitMiddleware(RequestDelegate next, OrgStore orgs, EcOptions options, RateLimiterRegistry limits)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.Request.Path.StartsWithSegments("/api/v1"))
        {
            var (key, limit) = await PartitionAsync(http);
            if (key is not null && limit is { } perMinute && !limits.TryAcquire(key, perMinute, out var retry))
                throw ApiException.RateLimited($"Rate limit of {perMinute} requests per minute exceeded.", retry);
        }
        await next(http);
    }

    private async ValueTask<(string? Key, int? Limit)> PartitionAsync(HttpContext http)
    {
        var caller = Caller.FromPrincipal(http.User);
        if (caller is null)
        {
            // A device-credential call is not anonymous traffic, but only on a route that verifies the header (and then charges
            // the device's own limit or, for a wrong secret, this IP's); anywhere else the header is ignored, so it cannot buy
            // an exemption. EC_ANON_RATE_LIMIT <= 0 turns the anonymous limit off (a limiter cannot have 0 permits).
            if (options.AnonymousRequestsPerMinute <= 0) return (null, null);
            if (http.Request.Headers.ContainsKey(DeviceCredential.HeaderName) && DeviceCredentialEndpoint.Verifies(http)) return (null, null);
            return ("ip:" + http.Connection.RemoteIpAddress, options.AnonymousRequestsPerMinute);
        }
        if (caller.OrgId is null) return (null, null); // super admins and partners act across orgs
        var plan = await orgs.PlanAsync(caller.OrgId, http.RequestAborted);
        return plan is null ? (null, null) : ("org:" + caller.OrgId, Plans.RequestsPerMinute(plan));
    }
}
