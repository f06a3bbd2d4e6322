using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Ota;

/// <summary>Firmware releases, signing keys and the org's OTA settings. Queries made for a caller carry its <see cref="AccessScope"/>.</summary>
public sealed class FirmwareStore(Database db, TimeProvider clock)
{
    /// <summary>Inserts a release; false when the org already has this version for this product type.</summary>
    public async Task<bool> CreateAsync(FirmwareRelease r, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("""
            INSERT INTO firmware_releases (id, org_id, version, product_type, size, sha256, signature, signing_key_id, notes, created_by, created_at)
            VALUES (@Id, @OrgId, @Version, @ProductType, @Size, @Sha256, @Signature, @SigningKeyId, @Notes, @CreatedBy, @CreatedAt)
            ON CONFLICT (org_id, product_type, version) DO NOTHING
            """, r) == 1;
    }

    /// <summary>The release if the caller may see its org.</summary>
    public async Task<FirmwareRelease?> FindAsync(string id, AccessScope scope, CancellationToken ct)
    {
        var p = new DynamicParameters(new { id });
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<FirmwareRelease>(
            $"SELECT * FROM firmware_releases WHERE id = @id AND {scope.OrgFilter("org_id", p)}", p);
    }

    /// <summary>For the download endpoint and the workers, which have no caller.</summary>
    public async Task<FirmwareRelease?> FindUnscopedAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<FirmwareRelease>("SELECT * FROM firmware_releases WHERE id = @id", new { id });
    }

    /// <summary>Releases the caller can see, newest first, optionally of one org and/or product type.</summary>
    public async Task<IReadOnlyList<FirmwareRelease>> ListAsync(AccessScope scope, string? orgId, string? productType, Paging page, CancellationToken ct)
    {
        var p = new DynamicParameters(new { page.Limit, page.Offset, orgId, productType });
        var where = scope.OrgFilter("org_id", p);
        if (orgId is not null) where += " AND org_id = @orgId";
        if (productType is not null) where += " AND product_type = @productType";
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<FirmwareRelease>(
            $"SELECT * FROM firmware_releases WHERE {where} ORDER BY created_at DESC, id DESC LIMIT @Limit OFFSET @Offset", p)).AsList();
    }

    /// <summary>Deletes the release row; returns whether another release still refers to the same file.</summary>
    public async Task<bool> DeleteAsync(FirmwareRelease r, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("DELETE FROM firmware_releases WHERE id = @Id", r);
        return await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM firmware_releases WHERE sha256 = @Sha256", r) > 0;
    }

    /// <summary>Does any release refer to this file?</summary>
    public async Task<bool> AnyWithShaAsync(string sha256, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM firmware_releases WHERE sha256 = @sha256", new { sha256 }) > 0;
    }

    public async Task<FirmwareKey> AddKeyAsync(string orgId, string name, string pem, CancellationToken ct)
    {
        var key = new FirmwareKey { Id = Ids.New(), OrgId = orgId, Name = name, PublicKeyPem = pem, CreatedAt = clock.Ms() };
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("INSERT INTO firmware_keys (id, org_id, name, public_key_pem, created_at) VALUES (@Id, @OrgId, @Name, @PublicKeyPem, @CreatedAt)", key);
        return key;
    }

    public async Task<IReadOnlyList<FirmwareKey>> KeysAsync(string orgId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<FirmwareKey>("SELECT * FROM firmware_keys WHERE org_id = @orgId ORDER BY created_at, id", new { orgId })).AsList();
    }

    /// <summary>Deletes one key of the org; false when it has no such key.</summary>
    public async Task<bool> DeleteKeyAsync(string orgId, string keyId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("DELETE FROM firmware_keys WHERE id = @keyId AND org_id = @orgId", new { orgId, keyId }) == 1;
    }

    public async Task<bool> RequiresSignatureAsync(string orgId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long?>("SELECT require_signature FROM ota_org_settings WHERE org_id = @orgId", new { orgId }) == 1;
    }

    public async Task SetRequiresSignatureAsync(string orgId, bool required, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO ota_org_settings (org_id, require_signature, updated_at) VALUES (@orgId, @flag, @now)
            ON CONFLICT (org_id) DO UPDATE SET require_signature = @flag, updated_at = @now
            """, new { orgId, flag = required ? 1L : 0L, now = clock.Ms() });
    }
}
