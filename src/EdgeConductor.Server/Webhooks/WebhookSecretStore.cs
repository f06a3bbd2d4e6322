using System.Security.Cryptography;
using System.Text;
using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Webhooks;

/// <summary>
/// The per-org webhook signing secret (<c>whsec_...</c>). Created on first need (the first delivery) or by
/// <c>POST /orgs/:id/webhook-secret</c>; shown once; rotation keeps the previous secret signing for a grace period.
/// </summary>
public sealed class WebhookSecretStore(Database db, TimeProvider clock)
{
    /// <summary>What <c>GET /orgs/:id/webhook-secret</c> shows: never the secret. <see cref="Fingerprint"/> is the first 8 hex digits of SHA-256(secret).</summary>
    public sealed record SecretMetadata(bool Configured, string? Fingerprint, DateTime? CreatedAt, bool Revealed,
        DateTime? PreviousExpiresAt);

    /// <summary>A secret being shown (once): the secret itself and its metadata; <see cref="Rotated"/> says a previous one is in its grace period.</summary>
    public sealed record RevealedSecret(string Secret, bool Rotated, SecretMetadata Metadata);

    private sealed class Row
    {
        public string OrgId { get; set; } = "";
        public string Secret { get; set; } = "";
        public long CreatedAt { get; set; }
        public long? RevealedAt { get; set; }
        public string? PreviousSecret { get; set; }
        public long? PreviousExpiresAt { get; set; }
    }

    /// <summary>The secrets that sign now: the current one, and the previous one while its grace period lasts. Creates the secret if the org has none.</summary>
    public async Task<IReadOnlyList<string>> SigningSecretsAsync(string orgId, CancellationToken ct)
    {
        var now = clock.Ms();
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO webhook_secrets (org_id, secret, created_at) VALUES (@orgId, @secret, @now)
            ON CONFLICT (org_id) DO NOTHING
            """, new { orgId, secret = WebhookSignature.NewSecret(), now });
        var row = await conn.QuerySingleAsync<Row>("SELECT * FROM webhook_secrets WHERE org_id = @orgId", new { orgId });
        return row.PreviousSecret is { } prev && row.PreviousExpiresAt > now ? [row.Secret, prev] : [row.Secret];
    }

    /// <summary>Metadata only (never the secret).</summary>
    public async Task<SecretMetadata> MetadataAsync(string orgId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>("SELECT * FROM webhook_secrets WHERE org_id = @orgId", new { orgId });
        return Meta(row, clock.Ms());
    }

    /// <summary>
    /// Shows a secret once: creates it if the org has none; shows the existing one if it was created on first need and never
    /// shown; otherwise rotates (a new secret, the old one still signing for <paramref name="grace"/>).
    /// </summary>
    public async Task<RevealedSecret> RevealOrRotateAsync(string orgId, TimeSpan grace, CancellationToken ct)
    {
        var now = clock.Ms();
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>("SELECT * FROM webhook_secrets WHERE org_id = @orgId" + db.ForUpdate(), new { orgId }, tx);
        var rotated = false;
        if (row is null)
        {
            row = new Row { OrgId = orgId, Secret = WebhookSignature.NewSecret(), CreatedAt = now, RevealedAt = now };
            await conn.ExecuteAsync("INSERT INTO webhook_secrets (org_id, secret, created_at, revealed_at) VALUES (@OrgId, @Secret, @CreatedAt, @RevealedAt)", row, tx);
        }
        else if (row.RevealedAt is null)
        {
            row.RevealedAt = now;
            await conn.ExecuteAsync("UPDATE webhook_secrets SET revealed_at = @now WHERE org_id = @orgId", new { now, orgId }, tx);
        }
        else
        {
            rotated = grace > TimeSpan.Zero;
            row.PreviousSecret = rotated ? row.Secret : null;
            row.PreviousExpiresAt = rotated ? now + (long)grace.TotalMilliseconds : null;
            row.Secret = WebhookSignature.NewSecret();
            row.CreatedAt = now;
            row.RevealedAt = now;
            await conn.ExecuteAsync("""
                UPDATE webhook_secrets SET secret = @Secret, created_at = @CreatedAt, revealed_at = @RevealedAt,
                    previous_secret = @PreviousSecret, previous_expires_at = @PreviousExpiresAt
                WHERE org_id = @OrgId
                """, row, tx);
        }
        await tx.CommitAsync(ct);
        return new RevealedSecret(row.Secret, rotated, Meta(row, now));
    }

    private static SecretMetadata Meta(Row? row, long now) => row is null
        ? new SecretMetadata(false, null, null, false, null)
        : new SecretMetadata(true, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(row.Secret)))[..8],
            Times.ToUtc(row.CreatedAt), row.RevealedAt is not null,
            row.PreviousSecret is not null && row.PreviousExpiresAt > now ? Times.ToUtc(row.PreviousExpiresAt) : null);
}
