using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Auth;

/// <summary>Org API keys (<c>ec_live_…</c>), stored as SHA-256 hashes; the raw key is shown only on creation.</summary>
public sealed class ApiKeyStore(Database db, TimeProvider clock)
{
    public const string KeyPrefix = "ec_live_";
    private const int ShownPrefixLength = 12;

    public sealed class ApiKeyRecord
    {
        public string Id { get; set; } = "";
        public string OrgId { get; set; } = "";
        public string Name { get; set; } = "";
        public string Prefix { get; set; } = "";
        public string? CreatedBy { get; set; }
        public long CreatedAt { get; set; }
        public long? LastUsedAt { get; set; }
        public long? RevokedAt { get; set; }
    }

    public async Task<(ApiKeyRecord Record, string RawKey)> CreateAsync(string orgId, string name, string? createdBy, CancellationToken ct)
    {
        var raw = KeyPrefix + Secrets.NewToken();
        var rec = new ApiKeyRecord
        {
            Id = Ids.New(), OrgId = orgId, Name = name, Prefix = raw[..ShownPrefixLength], CreatedBy = createdBy, CreatedAt = clock.Ms(),
        };
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO api_keys (id, org_id, name, prefix, key_hash, created_by, created_at)
            VALUES (@Id, @OrgId, @Name, @Prefix, @hash, @CreatedBy, @CreatedAt)
            """, new { rec.Id, rec.OrgId, rec.Name, rec.Prefix, hash = Secrets.Hash(raw), rec.CreatedBy, rec.CreatedAt });
        return (rec, raw);
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string orgId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<ApiKeyRecord>(
            "SELECT id, org_id, name, prefix, created_by, created_at, last_used_at, revoked_at FROM api_keys WHERE org_id = @orgId ORDER BY created_at DESC",
            new { orgId })).AsList();
    }

    public async Task<ApiKeyRecord?> FindAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<ApiKeyRecord>(
            "SELECT id, org_id, name, prefix, created_by, created_at, last_used_at, revoked_at FROM api_keys WHERE id = @id", new { id });
    }

    public async Task<bool> RevokeAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL",
            new { now = clock.Ms(), id }) > 0;
    }

    /// <summary>The live (not revoked) key with this raw value, or null. Checked against the database on every call, so a revoke takes effect at once.</summary>
    public async Task<ApiKeyRecord?> AuthenticateAsync(string rawKey, CancellationToken ct)
    {
        if (!rawKey.StartsWith(KeyPrefix, StringComparison.Ordinal) || rawKey.Length > 128) return null;
        await using var conn = await db.OpenAsync(ct);
        var rec = await conn.QuerySingleOrDefaultAsync<ApiKeyRecord>(
            "SELECT id, org_id, name, prefix, created_by, created_at, last_used_at, revoked_at FROM api_keys WHERE key_hash = @h AND revoked_at IS NULL",
            new { h = Secrets.Hash(rawKey) });
        if (rec is null) return null;
        var now = clock.Ms();
        if (rec.LastUsedAt is null || now - rec.LastUsedAt > 60_000) // bounded write amplification: at most once a minute
            await conn.ExecuteAsync("UPDATE api_keys SET last_used_at = @now WHERE id = @id", new { now, id = rec.Id });
        return rec;
    }

    public static Caller ToCaller(ApiKeyRecord key) => new(Caller.ApiKeyKind, key.Id, Roles.OrgAdmin, key.OrgId, null, null, null);
}
