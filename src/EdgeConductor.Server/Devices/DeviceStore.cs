using System.Data.Common;
using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Devices;

/// <summary>The device registry. Every query made for a caller goes through its <see cref="AccessScope"/>.</summary>
public sealed class DeviceStore(Database db, TimeProvider clock)
{
    public enum RegisterOutcome { Created, Existing, OwnedElsewhere }

    public long Now => clock.Ms();

    /// <summary>
    /// Registers a serial into <paramref name="orgId"/>. Idempotent: the same serial in the same org returns the existing
    /// device (no secret). Race-safe: the unique index decides between concurrent registrations. The serial must follow
    /// <see cref="SerialNumber"/> (checked here too, so no caller can store one it lets through: 400 naming serial_no).
    /// </summary>
    public async Task<(RegisterOutcome Outcome, DeviceRecord Device, string? Secret)> RegisterAsync(
        string serial, string productType, string? fwVersion, string? orgId, CancellationToken ct)
    {
        SerialNumber.Validate(serial);
        var now = clock.Ms();
        var secret = "ds_" + Secrets.NewToken();
        var device = new DeviceRecord
        {
            Id = Ids.New(), SerialNo = serial, ProductType = productType, FwVersion = fwVersion, OrgId = orgId,
            SecretHash = Secrets.Hash(secret), CreatedAt = now, UpdatedAt = now,
        };
        await using var conn = await db.OpenAsync(ct);
        var inserted = await conn.ExecuteAsync("""
            INSERT INTO devices (id, serial_no, product_type, fw_version, org_id, secret_hash, created_at, updated_at)
            VALUES (@Id, @SerialNo, @ProductType, @FwVersion, @OrgId, @SecretHash, @CreatedAt, @UpdatedAt)
            ON CONFLICT (serial_no) DO NOTHING
            """, device);
        if (inserted == 1) return (RegisterOutcome.Created, device, secret);

        var existing = await FindUnscopedAsync(conn, serial);
        if (existing is null) throw new InvalidOperationException($"Device {serial} conflicted but cannot be read.");
        if (existing.OrgId != orgId) return (RegisterOutcome.OwnedElsewhere, existing, null);
        if (fwVersion is not null && fwVersion != existing.FwVersion)
        {
            await conn.ExecuteAsync("UPDATE devices SET fw_version = @fwVersion, updated_at = @now WHERE id = @id",
                new { fwVersion, now, id = existing.Id });
            existing.FwVersion = fwVersion;
            existing.UpdatedAt = now;
        }
        return (RegisterOutcome.Existing, existing, null);
    }

    /// <summary>The device if the caller may see it.</summary>
    public async Task<DeviceRecord?> FindAsync(string serial, AccessScope scope, CancellationToken ct)
    {
        var p = new DynamicParameters(new { serial });
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<DeviceRecord>(
            $"SELECT * FROM devices d WHERE d.serial_no = @serial AND {scope.DeviceFilter("d", p)}", p);
    }

    /// <summary>For device authentication (MQTT, HTTPS device credential), which has no caller scope yet.</summary>
    public async Task<DeviceRecord?> FindForDeviceAuthAsync(string serial, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await FindUnscopedAsync(conn, serial);
    }

    private static Task<DeviceRecord?> FindUnscopedAsync(DbConnection conn, string serial) =>
        conn.QuerySingleOrDefaultAsync<DeviceRecord>("SELECT * FROM devices WHERE serial_no = @serial", new { serial });

    public async Task<(IReadOnlyList<DeviceRecord> Items, long Total)> ListAsync(AccessScope scope, DeviceFilter filter, Paging page, CancellationToken ct)
    {
        var p = new DynamicParameters(new { page.Limit, page.Offset });
        var where = scope.DeviceFilter("d", p);
        if (filter.OrgId is not null) { where += " AND d.org_id = @orgId"; p.Add("orgId", filter.OrgId); }
        if (filter.TenantId is not null) { where += " AND d.tenant_id = @tenantId"; p.Add("tenantId", filter.TenantId); }
        if (filter.RoomId is not null) { where += " AND d.room_id = @roomId"; p.Add("roomId", filter.RoomId); }
        if (filter.ProductType is not null) { where += " AND d.product_type = @productType"; p.Add("productType", filter.ProductType); }
        if (filter.Search is { Length: > 0 } search)
        {
            // LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
            where += @" AND (LOWER(d.serial_no) LIKE @search ESCAPE '\' OR LOWER(d.product_type) LIKE @search ESCAPE '\')";
            p.Add("search", "%" + EscapeLike(search.ToLowerInvariant()) + "%");
        }
        if (filter.Tag is { Length: > 0 } tag)
        {
            // tags is a JSON array kept as TEXT on both engines: an exact element match, not a substring of the text.
            where += db.Engine == DbEngine.Postgres
                ? " AND (d.tags::jsonb) @> jsonb_build_array(CAST(@tag AS text))"
                : " AND EXISTS (SELECT 1 FROM json_each(d.tags) WHERE json_each.value = @tag)";
            p.Add("tag", tag);
        }
        if (filter.Online is { } online)
        {
            p.Add("onlineSince", clock.Ms() - (long)DevicePresence.OnlineWindow.TotalMilliseconds);
            where += online ? " AND d.last_seen > @onlineSince" : " AND (d.last_seen IS NULL OR d.last_seen <= @onlineSince)";
        }
        await using var conn = await db.OpenAsync(ct);
        var total = await conn.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM devices d WHERE {where}", p);
        var items = (await conn.QueryAsync<DeviceRecord>(
            $"SELECT * FROM devices d WHERE {where} ORDER BY d.serial_no LIMIT @Limit OFFSET @Offset", p)).AsList();
        return (items, total);
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    public async Task UpdateAssignmentAsync(DeviceRecord d, CancellationToken ct)
    {
        d.UpdatedAt = clock.Ms();
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            UPDATE devices SET org_id = @OrgId, room_id = @RoomId, tenant_id = @TenantId, tags = @Tags, updated_at = @UpdatedAt
            WHERE id = @Id
            """, d);
    }

    /// <summary>Whether a device with this id still exists (the broker's restored sessions are kept only for devices that do).</summary>
    public async Task<bool> ExistsAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM devices WHERE id = @id", new { id }) > 0;
    }

    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("DELETE FROM devices WHERE id = @id", new { id });
    }

    public async Task<string> RotateSecretAsync(string id, CancellationToken ct)
    {
        var secret = "ds_" + Secrets.NewToken();
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("UPDATE devices SET secret_hash = @h, updated_at = @now WHERE id = @id",
            new { h = Secrets.Hash(secret), now = clock.Ms(), id });
        return secret;
    }

    /// <summary>Checks a device credential (serial + secret): the MQTT password and HTTPS device credential.</summary>
    public async Task<DeviceRecord?> AuthenticateAsync(string serial, string secret, CancellationToken ct)
    {
        if (!SerialNumber.IsValid(serial) || secret.Length is 0 or > 256) return null;
        var d = await FindForDeviceAuthAsync(serial, ct);
        return d is not null && Secrets.HashEquals(d.SecretHash, Secrets.Hash(secret)) ? d : null;
    }

    public sealed record Counts(long Total, long Online, long Active);

    /// <summary>Device counts for a set of orgs (partner stats), or all devices when <paramref name="orgIds"/> is null.</summary>
    public async Task<Counts> CountAsync(IReadOnlyCollection<string>? orgIds, CancellationToken ct)
    {
        if (orgIds is { Count: 0 }) return new Counts(0, 0, 0);
        var now = clock.Ms();
        var p = new DynamicParameters(new
        {
            online = now - (long)DevicePresence.OnlineWindow.TotalMilliseconds,
            active = now - (long)DevicePresence.ActiveWindow.TotalMilliseconds,
        });
        var where = "1=1";
        if (orgIds is not null) where = Database.InList("org_id", "org", orgIds, p);
        await using var conn = await db.OpenAsync(ct);
        var row = await conn.QuerySingleAsync<CountRow>($"""
            SELECT COUNT(*) AS total,
                   COALESCE(SUM(CASE WHEN last_seen > @online THEN 1 ELSE 0 END), 0) AS online,
                   COALESCE(SUM(CASE WHEN last_seen > @active THEN 1 ELSE 0 END), 0) AS active
            FROM devices WHERE {where}
            """, p);
        return new Counts(row.Total, row.Online, row.Active);
    }

    /// <summary>Records the firmware version the device reports (OTA: telemetry or ota/status <c>fw_version</c>). True when it changed.</summary>
    public async Task<bool> SetFwVersionAsync(string deviceId, string fwVersion, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync(
            "UPDATE devices SET fw_version = @fwVersion, updated_at = @now WHERE id = @deviceId AND (fw_version IS NULL OR fw_version <> @fwVersion)",
            new { deviceId, fwVersion, now = clock.Ms() }) == 1;
    }

    /// <summary>Sets (or, with nulls, clears) the device's pending OTA update (seed 001 pending_fw_version / pending_fw_url).</summary>
    public async Task SetPendingFirmwareAsync(string deviceId, string? version, string? url, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("UPDATE devices SET pending_fw_version = @version, pending_fw_url = @url WHERE id = @deviceId",
            new { deviceId, version, url });
    }

    /// <summary>The devices of one org with one product type (an OTA push to a product type), unscoped: the caller checked the org.</summary>
    public async Task<IReadOnlyList<DeviceRecord>> ListByProductTypeAsync(string orgId, string productType, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<DeviceRecord>(
            "SELECT * FROM devices WHERE org_id = @orgId AND product_type = @productType ORDER BY serial_no", new { orgId, productType })).AsList();
    }

    private sealed class CountRow
    {
        public long Total { get; set; }
        public long Online { get; set; }
        public long Active { get; set; }
    }
}
