using EdgeConductor.Sdk.Auth;
using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Users;

/// <summary>
/// User accounts: <c>client.Users</c>. Managers (super admin, partner, org_admin, org API keys) reach the users of the orgs
/// they manage; nobody changes or deletes their own account or a user ranked above them (403); users outside the caller's
/// scope are 404. A disabled or deleted user's tokens stop working at once and its refresh tokens are revoked.
/// </summary>
public sealed class UsersClient
{
    private readonly ApiTransport _api;

    internal UsersClient(ApiTransport api) => _api = api;

    private sealed record DisabledBody(bool Disabled);

    private sealed record RoleBody(string Role);

    /// <summary>One user (<c>GET /users/:id</c>).</summary>
    public Task<User> GetAsync(string userId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<User>(HttpMethod.Get, Path(userId), null, true, cancellationToken);

    /// <summary>Disables the user (<c>PATCH /users/:id {"disabled": true}</c>): it can no longer log in, refresh or use its tokens.</summary>
    public Task<User> DisableAsync(string userId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<User>(HttpMethod.Patch, Path(userId), new DisabledBody(true), true, cancellationToken);

    /// <summary>Enables a disabled user again (<c>{"disabled": false}</c>); it logs in anew (its old refresh tokens stay revoked).</summary>
    public Task<User> EnableAsync(string userId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<User>(HttpMethod.Patch, Path(userId), new DisabledBody(false), true, cancellationToken);

    /// <summary>Changes an org user's role to org_admin, customer or tenant (<c>{"role": …}</c>); its current tokens stop working.</summary>
    public Task<User> ChangeRoleAsync(string userId, string role, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        return _api.SendAsync<User>(HttpMethod.Patch, Path(userId), new RoleBody(role), true, cancellationToken);
    }

    /// <summary>Deletes the user for good (<c>DELETE /users/:id</c>, 204). 404 if it does not exist or is out of reach.</summary>
    public async Task DeleteAsync(string userId, CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendRawAsync(HttpMethod.Delete, Path(userId), null, false, cancellationToken).ConfigureAwait(false);
    }

    private static string Path(string userId) => "users/" + ApiTransport.Segment(userId);
}
