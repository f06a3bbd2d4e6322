using System.Collections.Concurrent;
using EdgeConductor.Server.Hosting;

namespace EdgeConductor.Server.Auth;

/// <summary>
/// Counts failed logins per e-mail address and per client IP in a sliding window; past the limit, further
/// attempts answer 429 until the oldest failure leaves the window. Per instance (in memory).
/// </summary>
public sealed class LoginThrottle(EcOptions options, TimeProvider clock)
{
    private const int SweepAbove = 10_000;
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new();
    private long _nextSweepTicks;

    /// <summary>E-mail addresses and IPs with failures still in the window (or not yet swept).</summary>
    internal int TrackedKeys => _failures.Count;

    private int IpLimit => options.MaxFailedLoginsPerEmail * 4;

    /// <summary>How long the caller must wait, or null when a login attempt is allowed now.</summary>
    public TimeSpan? RetryAfter(string email, string ip)
    {
        var a = Wait("e:" + email, options.MaxFailedLoginsPerEmail);
        var b = Wait("ip:" + ip, IpLimit);
        return a is null ? b : b is null ? a : (a > b ? a : b);
    }

    public void RecordFailure(string email, string ip)
    {
        Add("e:" + email);
        Add("ip:" + ip);
    }

    public void RecordSuccess(string email) => _failures.TryRemove("e:" + email, out _);

    private void Add(string key)
    {
        var q = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (q)
        {
            Trim(q);
            q.Enqueue(clock.GetUtcNow());
        }
        if (_failures.Count > SweepAbove) Sweep();
    }

    /// <summary>
    /// Forgets keys whose failures have all left the window, so failures sprayed over many addresses cannot grow memory
    /// without bound. At most once a minute.
    /// </summary>
    private void Sweep()
    {
        var now = clock.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now < next || Interlocked.CompareExchange(ref _nextSweepTicks, now + TimeSpan.TicksPerMinute, next) != next) return;
        foreach (var (key, q) in _failures)
        {
            lock (q)
            {
                Trim(q);
                if (q.Count == 0) _failures.TryRemove(KeyValuePair.Create(key, q));
            }
        }
    }

    private TimeSpan? Wait(string key, int limit)
    {
        if (!_failures.TryGetValue(key, out var q)) return null;
        lock (q)
        {
            Trim(q);
            if (q.Count < limit) return null;
            return q.Peek() + options.LoginFailureWindow - clock.GetUtcNow();
        }
    }

    private void Trim(Queue<DateTimeOffset> q)
    {
        var cutoff = clock.GetUtcNow() - options.LoginFailureWindow;
        while (q.Count > 0 && q.Peek() <= cutoff) q.Dequeue();
    }
}
