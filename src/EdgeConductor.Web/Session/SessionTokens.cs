using System.Collections.Concurrent;

namespace EdgeConductor.Web.Session;

/// <summary>
/// The newest token pair of each console session in this process, keyed by the session id claim. A refresh (cookie
/// request or circuit) rotates the refresh token; circuits opened from an older cookie read the newest pair here, so they
/// never use a refresh token the API already retired. Lost on restart: then the cookie's own pair is the newest.
/// </summary>
public sealed class SessionTokens
{
    private readonly ConcurrentDictionary<string, TokenPair> _latest = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();

    /// <summary>The newest pair known for <paramref name="sessionId"/>, or <paramref name="fromCookie"/> when none is newer.</summary>
    public TokenPair Current(string sessionId, TokenPair fromCookie) =>
        _latest.TryGetValue(sessionId, out var p) && p.AccessExpiresMs >= fromCookie.AccessExpiresMs ? p : fromCookie;

    /// <summary>Records the newest pair of a session.</summary>
    public void Store(string sessionId, TokenPair pair) => _latest[sessionId] = pair;

    /// <summary>Forgets a session (sign-out).</summary>
    public void Remove(string sessionId)
    {
        _latest.TryRemove(sessionId, out _);
        _locks.TryRemove(sessionId, out _);
    }

    /// <summary>One refresh at a time per session (a cookie request and a circuit may both find the token near expiry).</summary>
    public SemaphoreSlim LockFor(string sessionId) => _locks.GetOrAdd(sessionId, _ => new SemaphoreSlim(1, 1));
}
