using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Hosting;

namespace EdgeConductor.Server.Tenancy;

/// <summary>
/// API rate limits by org plan (starter 100, pro 1,000, business 10,000 requests/min, enterprise none), shared by all of
/// an org's users and keys; unauthenticated callers are limited per IP. Over the limit → 429 with Retry-After.
/// Limits are per server instance.
/// </summary>
internal sealed class PlanRateLimitMiddleware(RequestDelegate next, OrgStore orgs, EcOptions options)
{
    private readonly ConcurrentDictionary<string, (int Limit, FixedWindowRateLimiter Limiter)> _limiters = new();

    public async Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments("/api/v1"))
        {
            await next(http);
            return;
        }
        var (key, limit) = await PartitionAsync(http);
        if (key is null || limit is null)
        {
            await next(http);
            return;
        }
        var limiter = LimiterFor(key, limit.Value);
        using var lease = limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var ra) ? ra : TimeSpan.FromMinutes(1);
            throw new ApiException(429, ErrorCodes.RateLimited, $"Rate limit of {limit} requests per minute exceeded.") { RetryAfter = retry };
        }
        await next(http);
    }

    private async ValueTask<(string? Key, int? Limit)> PartitionAsync(HttpContext http)
    {
        var caller = Caller.FromPrincipal(http.User);
        if (caller is null) // EC_ANON_RATE_LIMIT <= 0 turns the anonymous limit off (a limiter cannot have 0 permits)
            return options.AnonymousRequestsPerMinute > 0 ? ("ip:" + http.Connection.RemoteIpAddress, options.AnonymousRequestsPerMinute) : (null, null);
        if (caller.OrgId is null) return (null, null); // super admins and partners act across orgs
        var plan = await orgs.PlanAsync(caller.OrgId, http.RequestAborted);
        return plan is null ? (null, null) : ("org:" + caller.OrgId, Plans.RequestsPerMinute(plan));
    }

    private FixedWindowRateLimiter LimiterFor(string key, int limit)
    {
        if (_limiters.TryGetValue(key, out var entry) && entry.Limit == limit) return entry.Limiter;
        if (_limiters.Count > 10_000) Evict();
        var created = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
        });
        return _limiters.AddOrUpdate(key, (limit, created), (_, old) =>
        {
            if (old.Limit == limit) { created.Dispose(); return old; }
            old.Limiter.Dispose();
            return (limit, created);
        }).Limiter;
    }

    private void Evict()
    {
        foreach (var (k, v) in _limiters)
            if (v.Limiter.IdleDuration > TimeSpan.FromMinutes(2) && _limiters.TryRemove(k, out var removed))
                removed.Limiter.Dispose();
    }
}
