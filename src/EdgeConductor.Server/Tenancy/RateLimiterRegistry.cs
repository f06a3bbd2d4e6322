using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace EdgeConductor.Server.Tenancy;

/// <summary>
/// Fixed one-minute windows keyed by who is calling (an org, a device, an IP). Per server instance; idle windows are
/// evicted so the table stays bounded.
/// </summary>
public sealed class RateLimiterRegistry
{
    private readonly ConcurrentDictionary<string, (int Limit, FixedWindowRateLimiter Limiter)> _limiters = new();

    /// <summary>Takes one request from <paramref name="key"/>'s window of <paramref name="perMinute"/>; false with the wait when it is used up.</summary>
    public bool TryAcquire(string key, int perMinute, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (perMinute <= 0) return true; // 0 or less = no limit (a FixedWindowRateLimiter cannot have 0 permits)
        using var lease = LimiterFor(key, perMinute).AttemptAcquire();
        retryAfter = lease.IsAcquired ? TimeSpan.Zero
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var ra) ? ra : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
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
