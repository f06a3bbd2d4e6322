using System.Collections.Concurrent;
using EdgeConductor.Server.Hosting;

namespace EdgeConductor.Server.Auth;

/// <summary>
/// Slows down password guessing without handing strangers a lockout. Failed logins are counted in a sliding window
/// (<see cref="EcOptions.LoginFailureWindow"/>, 15 min) per (account, source IP) and per source IP:
/// <list type="bullet">
/// <item>Per (account, IP): the first <see cref="EcOptions.MaxFailedLogins"/> failures are free; after the k-th failure
/// beyond them (k ≥ 1) the next attempt from that IP for that account must wait 2^k seconds after the last failure, capped
/// at <see cref="EcOptions.LoginMaxDelay"/>. The same account from another address is not affected, so a stranger
/// cannot lock its owner (or the super admin) out.</item>
/// <item>Per IP across accounts (credential stuffing): 4 × <see cref="EcOptions.MaxFailedLogins"/> failures in the window,
/// then 429 until the oldest leaves the window.</item>
/// </list>
/// A successful login clears its (account, IP) count. Per instance, in memory.
/// </summary>
public sealed class LoginThrottle(EcOptions options, TimeProvider clock)
{
    private const int SweepAbove = 10_000;
    private readonly ConcurrentDictionary<string, FailureLog> _failures = new();
    private long _nextSweepTicks;

    /// <summary>(account, IP) pairs and IPs with failures still in the window (or not yet swept).</summary>
    internal int TrackedKeys => _failures.Count;

    private int IpLimit => options.MaxFailedLogins * 4;

    /// <summary>How long the caller must wait before trying <paramref name="email"/> from <paramref name="ip"/>, or null when an attempt is allowed now.</summary>
    public TimeSpan? RetryAfter(string email, string ip)
    {
        var a = PairWait(PairKey(email, ip));
        var b = IpWait("ip:" + ip);
        return a is null ? b : b is null ? a : (a > b ? a : b);
    }

    /// <summary>Counts one failed login for the (account, IP) pair and for the IP.</summary>
    public void RecordFailure(string email, string ip)
    {
        Add(PairKey(email, ip));
        Add("ip:" + ip);
    }

    /// <summary>Forgets the failures of this (account, IP) pair (the IP's own count stays).</summary>
    public void RecordSuccess(string email, string ip) => _failures.TryRemove(PairKey(email, ip), out _);

    /// <summary>The wait after <paramref name="excess"/> failures beyond the free ones: 2^excess seconds, capped.</summary>
    internal TimeSpan DelayFor(int excess)
    {
        if (excess <= 0) return TimeSpan.Zero;
        var seconds = excess >= 30 ? double.MaxValue : Math.Pow(2, excess);
        return seconds >= options.LoginMaxDelay.TotalSeconds ? options.LoginMaxDelay : TimeSpan.FromSeconds(seconds);
    }

    private static string PairKey(string email, string ip) => "p:" + ip + "|" + email;

    private void Add(string key)
    {
        var log = _failures.GetOrAdd(key, _ => new FailureLog());
        lock (log)
        {
            Trim(log.Times);
            log.Times.Enqueue(clock.GetUtcNow());
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
        foreach (var (key, log) in _failures)
        {
            lock (log)
            {
                Trim(log.Times);
                if (log.Times.Count == 0) _failures.TryRemove(KeyValuePair.Create(key, log));
            }
        }
    }

    private TimeSpan? PairWait(string key)
    {
        if (!_failures.TryGetValue(key, out var log)) return null;
        lock (log)
        {
            Trim(log.Times);
            var excess = log.Times.Count - options.MaxFailedLogins;
            if (excess < 0) return null;
            var wait = log.Times.Last() + DelayFor(excess + 1) - clock.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : null;
        }
    }

    private TimeSpan? IpWait(string key)
    {
        if (!_failures.TryGetValue(key, out var log)) return null;
        lock (log)
        {
            Trim(log.Times);
            if (log.Times.Count < IpLimit) return null;
            return log.Times.Peek() + options.LoginFailureWindow - clock.GetUtcNow();
        }
    }

    private void Trim(Queue<DateTimeOffset> q)
    {
        var cutoff = clock.GetUtcNow() - options.LoginFailureWindow;
        while (q.Count > 0 && q.Peek() <= cutoff) q.Dequeue();
    }

    private sealed class FailureLog
    {
        public Queue<DateTimeOffset> Times { get; } = new();
    }
}
