using System.Collections.Concurrent;

namespace EdgeConductor.Server.Tenancy;

/// <summary>
/// Fixed one-minute windows keyed by who is calling (an org, a device, an IP). A key's window opens at its first request
/// and closes one minute later on the injected <see cref="TimeProvider"/> (so tests can move the clock past it). Per
/// server instance; idle windows are evicted so the table stays bounded.
/// </summary>
public sealed class RateLimiterRegistry(TimeProvider clock)
{
    /// <summary>The length of one window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private const int MaxKeys = 10_000;
    private readonly ConcurrentDictionary<string, FixedWindow> _windows = new();

    /// <summary>Takes one request from <paramref name="key"/>'s window of <paramref name="perMinute"/>; false with the wait when it is used up.</summary>
    public bool TryAcquire(string key, int perMinute, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (perMinute <= 0) return true; // 0 or less = no limit
        var now = clock.GetUtcNow();
        if (_windows.Count > MaxKeys && !_windows.ContainsKey(key)) Evict(now);
        return _windows.GetOrAdd(key, static _ => new FixedWindow()).TryTake(perMinute, now, out retryAfter);
    }

    private void Evict(DateTimeOffset now)
    {
        foreach (var (k, w) in _windows)
            if (w.IsIdle(now)) _windows.TryRemove(k, out _);
    }

    private sealed class FixedWindow
    {
        private readonly Lock _gate = new();
        private DateTimeOffset _start = DateTimeOffset.MinValue;
        private int _used;

        public bool TryTake(int limit, DateTimeOffset now, out TimeSpan retryAfter)
        {
            lock (_gate)
            {
                // A clock set back (tests, NTP steps) also opens a new window rather than blocking until it catches up.
                if (now < _start || now - _start >= Window)
                {
                    _start = now;
                    _used = 0;
                }
                if (_used < limit)
                {
                    _used++;
                    retryAfter = TimeSpan.Zero;
                    return true;
                }
                retryAfter = _start + Window - now;
                return false;
            }
        }

        public bool IsIdle(DateTimeOffset now)
        {
            lock (_gate) return now - _start > 2 * Window;
        }
    }
}
