using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Hosting;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Auth;

/// <summary>
/// Rotating refresh tokens. Each login starts a family; each refresh uses up one token and issues the next.
/// Presenting a used (rotated) token again means it leaked, so the whole family is revoked.
/// </summary>
public sealed class RefreshTokenStore(Database db, EcOptions options, TimeProvider clock)
{
    public enum RotateOutcome { Rotated, Unknown, Expired, Reused, Revoked }

    public async Task<string> IssueAsync(string userId, string? familyId, CancellationToken ct)
    {
        var token = "rt_" + Secrets.NewToken();
        var now = clock.Ms();
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at)
            VALUES (@id, @userId, @familyId, @hash, @now, @exp)
            """, new { id = Ids.New(), userId, familyId = familyId ?? Ids.New(), hash = Secrets.Hash(token), now,
            exp = now + (long)options.RefreshTokenLifetime.TotalMilliseconds });
        return token;
    }

    /// <summary>Uses up <paramref name="token"/> and returns a new one in the same family when it was still good.</summary>
    public async Task<(RotateOutcome Outcome, string? UserId, string? NewToken)> RotateAsync(string token, CancellationToken ct)
    {
        var now = clock.Ms();
        await using var conn = await db.OpenAsync(ct);
        var row = await FindAsync(conn, token);
        if (row is null) return (RotateOutcome.Unknown, null, null);
        if (row.RevokedAt is not null) return (RotateOutcome.Revoked, row.UserId, null);
        if (row.UsedAt is not null)
        {
            await RevokeFamilyAsync(row.FamilyId, ct);
            return (RotateOutcome.Reused, row.UserId, null);
        }
        if (row.ExpiresAt <= now) return (RotateOutcome.Expired, row.UserId, null);
        // Claim the token atomically: of two concurrent refreshes with the same token only one wins.
        var claimed = await conn.ExecuteAsync("UPDATE refresh_tokens SET used_at = @now WHERE id = @id AND used_at IS NULL",
            new { now, id = row.Id });
        if (claimed == 0)
        {
            await RevokeFamilyAsync(row.FamilyId, ct);
            return (RotateOutcome.Reused, row.UserId, null);
        }
        return (RotateOutcome.Rotated, row.UserId, await IssueAsync(row.UserId, row.FamilyId, ct));
    }

    /// <summary>Revokes the family <paramref name="token"/> belongs to (logout). Returns false if it is unknown.</summary>
    public async Task<bool> RevokeAsync(string token, string? mustBelongToUser, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var row = await FindAsync(conn, token);
        if (row is null || (mustBelongToUser is not null && row.UserId != mustBelongToUser)) return false;
        await RevokeFamilyAsync(row.FamilyId, ct);
        return true;
    }

    /// <summary>Revokes every refresh token of <paramref name="userId"/> (user disabled, role changed); returns how many were live.</summary>
    public async Task<int> RevokeAllForUserAsync(string userId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("UPDATE refresh_tokens SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL",
            new { now = clock.Ms(), userId });
    }

    private static Task<TokenRow?> FindAsync(System.Data.Common.DbConnection conn, string token) =>
        conn.QuerySingleOrDefaultAsync<TokenRow>(
            "SELECT id, user_id, family_id, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = @h",
            new { h = Secrets.Hash(token) });

    private async Task RevokeFamilyAsync(string familyId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("UPDATE refresh_tokens SET revoked_at = @now WHERE family_id = @familyId AND revoked_at IS NULL",
            new { now = clock.Ms(), familyId });
    }

    private sealed class TokenRow
    {
        public string Id { get; set; } = "";
        public string UserId { get; set; } = "";
        public string FamilyId { get; set; } = "";
        public long ExpiresAt { get; set; }
        public long? UsedAt { get; set; }
        public long? RevokedAt { get; set; }
    }
}
