using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.RoomClaims;

/// <summary>
/// QR room-claim links (seed 001 "Multi-Tenant": <c>/claim-room?room_id=…</c>). A link is a random 256-bit token, bound to
/// one org and room, stored only as its SHA-256 hash, usable once, until it expires. Redemption is one conditional UPDATE
/// (<c>used_at IS NULL AND expires_at &gt; now</c>), so two redemptions of one link never both succeed, on either engine
/// and across server instances.
/// </summary>
public sealed class ClaimLinkStore(Database db, TimeProvider clock)
{
    /// <summary>Creates a link; returns the record and the raw token (shown once).</summary>
    public async Task<(ClaimLinkRecord Link, string Token)> CreateAsync(string orgId, string roomId, string? createdBy, TimeSpan lifetime, CancellationToken ct)
    {
        var token = "ecc_" + Secrets.NewToken(32);
        var now = clock.Ms();
        var rec = new ClaimLinkRecord
        {
            Id = Ids.New(), OrgId = orgId, RoomId = roomId, TokenHash = Secrets.Hash(token), CreatedBy = createdBy,
            CreatedAt = now, ExpiresAt = now + (long)lifetime.TotalMilliseconds,
        };
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO room_claim_links (id, org_id, room_id, token_hash, created_by, created_at, expires_at)
            VALUES (@Id, @OrgId, @RoomId, @TokenHash, @CreatedBy, @CreatedAt, @ExpiresAt)
            """, rec);
        return (rec, token);
    }

    /// <summary>Links created for <paramref name="orgId"/> since <paramref name="sinceMs"/> (the creation rate limit).</summary>
    public async Task<long> CountCreatedSinceAsync(string orgId, long sinceMs, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM room_claim_links WHERE org_id = @orgId AND created_at >= @sinceMs", new { orgId, sinceMs });
    }

    /// <summary>The link of a raw token for <paramref name="roomId"/>, or null.</summary>
    public async Task<ClaimLinkRecord?> FindAsync(string roomId, string token, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<ClaimLinkRecord>(
            "SELECT * FROM room_claim_links WHERE token_hash = @hash AND room_id = @roomId", new { hash = Secrets.Hash(token), roomId });
    }

    /// <summary>Marks the link used by <paramref name="userId"/> if it is still unused and unexpired; false otherwise.</summary>
    public async Task<bool> TryUseAsync(string linkId, string userId, CancellationToken ct)
    {
        var now = clock.Ms();
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync(
            "UPDATE room_claim_links SET used_at = @now, used_by = @userId WHERE id = @linkId AND used_at IS NULL AND expires_at > @now",
            new { now, userId, linkId }) == 1;
    }

    /// <summary>valid, used or expired.</summary>
    public string StateOf(ClaimLinkRecord link) =>
        link.UsedAt is not null ? ClaimLinkStates.Used : link.ExpiresAt <= clock.Ms() ? ClaimLinkStates.Expired : ClaimLinkStates.Valid;
}

/// <summary>The states of a claim link as the API reports them.</summary>
public static class ClaimLinkStates
{
    public const string Valid = "valid";
    public const string Used = "used";
    public const string Expired = "expired";
}
