using System.Collections.Concurrent;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Auth;

/// <summary>
/// Is a caller's credential still what it was when it was issued? An API key must not be revoked; a user must
/// still exist, be enabled, and have the same role, org, partner and room. Used by long-lived connections (SSE streams,
/// MQTT) when the <see cref="AccessEpoch"/> changes (<see cref="IsCurrentAsync"/>, always fresh), and by the
/// authentication handler on every request (<see cref="IsCurrentCachedAsync"/>, a user lookup cached for
/// <see cref="CacheLifetime"/> and dropped on every epoch bump).
/// </summary>
public sealed class CallerValidator
{
    /// <summary>How long the per-request check may reuse a user lookup when no <see cref="AccessEpoch"/> bump happened.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    private const int MaxCachedUsers = 10_000;
    private readonly ConcurrentDictionary<string, CachedUser> _users = new();
    private readonly UserStore _userStore;
    private readonly ApiKeyStore _apiKeys;
    private readonly AccessEpoch _epoch;
    private readonly TimeProvider _clock;

    public CallerValidator(UserStore users, ApiKeyStore apiKeys, AccessEpoch epoch, TimeProvider clock)
    {
        _userStore = users;
        _apiKeys = apiKeys;
        _epoch = epoch;
        _clock = clock;
        epoch.Changed += _ => _users.Clear();
    }

    /// <summary>True while <paramref name="caller"/> still holds the rights its token or key was issued with. Always reads the database.</summary>
    public async ValueTask<bool> IsCurrentAsync(Caller caller, CancellationToken ct)
    {
        if (caller.Kind == Caller.ApiKeyKind)
        {
            var key = await _apiKeys.FindAsync(caller.Id, ct);
            return key is not null && key.RevokedAt is null && key.OrgId == caller.OrgId;
        }
        return Matches(caller, await _userStore.FindByIdAsync(caller.Id, ct));
    }

    /// <summary>
    /// As <see cref="IsCurrentAsync"/> for a user caller, reusing a lookup younger than <see cref="CacheLifetime"/> made at
    /// the current epoch. API keys are not cached here (the authentication handler reads them on every request).
    /// </summary>
    public async ValueTask<bool> IsCurrentCachedAsync(Caller caller, CancellationToken ct)
    {
        if (caller.Kind == Caller.ApiKeyKind) return await IsCurrentAsync(caller, ct);
        var now = _clock.GetUtcNow();
        var epoch = _epoch.Current;
        if (_users.TryGetValue(caller.Id, out var hit) && hit.Epoch == epoch && now < hit.Expires) return Matches(caller, hit.User);
        var user = await _userStore.FindByIdAsync(caller.Id, ct);
        if (_users.Count >= MaxCachedUsers) _users.Clear();
        // Stored with the epoch read before the lookup: a bump during the lookup makes the entry stale at once.
        _users[caller.Id] = new CachedUser(user, epoch, now + CacheLifetime);
        return Matches(caller, user);
    }

    private static bool Matches(Caller caller, UserRecord? user) =>
        user is not null && !user.IsDisabled && user.Role == caller.Role && user.OrgId == caller.OrgId
        && user.PartnerId == caller.PartnerId && user.RoomId == caller.RoomId;

    private sealed record CachedUser(UserRecord? User, long Epoch, DateTimeOffset Expires);
}
