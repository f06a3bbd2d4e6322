namespace EdgeConductor.Server.Auth;

/// <summary>
/// Is a caller's credential still what it was when it was issued? An API key must not be revoked; a user must
/// still exist with the same role, org, partner and room. Used by long-lived connections (SSE streams) when the
/// <see cref="Tenancy.AccessEpoch"/> changes, and by the authentication handler.
/// </summary>
public sealed class CallerValidator(UserStore users, ApiKeyStore apiKeys)
{
    /// <summary>True while <paramref name="caller"/> still holds the rights its token or key was issued with.</summary>
    public async ValueTask<bool> IsCurrentAsync(Caller caller, CancellationToken ct)
    {
        if (caller.Kind == Caller.ApiKeyKind)
        {
            var key = await apiKeys.FindAsync(caller.Id, ct);
            return key is not null && key.RevokedAt is null && key.OrgId == caller.OrgId;
        }

        var user = await users.FindByIdAsync(caller.Id, ct);
        return user is not null && user.Role == caller.Role && user.OrgId == caller.OrgId
            && user.PartnerId == caller.PartnerId && user.RoomId == caller.RoomId;
    }
}
