using System.Collections.Concurrent;
using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Tenancy;

/// <summary>Organizations. Other features ask this service about orgs; none of them reads the orgs table.</summary>
public sealed class OrgStore(Database db, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (string Plan, long FetchedAt)> _planCache = new();

    public async Task<OrgRecord> CreateAsync(string name, string slug, string plan, string? partnerId, string? product, CancellationToken ct)
    {
        var now = clock.Ms();
        var org = new OrgRecord { Id = Ids.New(), Name = name, Slug = slug, Plan = plan, PartnerId = partnerId, Product = product, CreatedAt = now, UpdatedAt = now };
        await using var conn = await db.OpenAsync(ct);
        try
        {
            await conn.ExecuteAsync("""
                INSERT INTO orgs (id, name, slug, partner_id, plan, product, telemetry_retention_days, created_at, updated_at)
                VALUES (@Id, @Name, @Slug, @PartnerId, @Plan, @Product, @TelemetryRetentionDays, @CreatedAt, @UpdatedAt)
                """, org);
        }
        catch (Exception ex) when (Database.IsUniqueViolation(ex))
        {
            throw ApiException.Conflict($"An organization with slug '{slug}' already exists.");
        }
        return org;
    }

    public async Task<OrgRecord?> FindAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<OrgRecord>("SELECT * FROM orgs WHERE id = @id", new { id });
    }

    /// <summary>
    /// The org whose custom_domain is <paramref name="host"/> (lower case), for the anonymous branding lookup; the oldest
    /// org wins if two claim the same domain (custom_domain is not unique in the schema).
    /// </summary>
    public async Task<OrgRecord?> FindByCustomDomainAsync(string host, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<OrgRecord>(
            "SELECT * FROM orgs WHERE LOWER(custom_domain) = @host ORDER BY created_at, id LIMIT 1", new { host });
    }

    public async Task<IReadOnlyList<OrgRecord>> ListAsync(AccessScope scope, Paging page, CancellationToken ct)
    {
        var p = new DynamicParameters(new { page.Limit, page.Offset });
        var sql = $"SELECT * FROM orgs WHERE {scope.OrgFilter("id", p)} ORDER BY created_at, id LIMIT @Limit OFFSET @Offset";
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<OrgRecord>(sql, p)).AsList();
    }

    public async Task<IReadOnlyList<string>> IdsForPartnerAsync(string partnerId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<string>("SELECT id FROM orgs WHERE partner_id = @partnerId", new { partnerId })).AsList();
    }

    /// <summary>Every org's telemetry retention in days (for the retention worker).</summary>
    public async Task<IReadOnlyList<(string OrgId, int Days)>> RetentionsAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<(string, int)>("SELECT id, telemetry_retention_days FROM orgs")).AsList();
    }

    public async Task UpdateAsync(OrgRecord org, CancellationToken ct)
    {
        org.UpdatedAt = clock.Ms();
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            UPDATE orgs SET name = @Name, plan = @Plan, product = @Product, logo_url = @LogoUrl, primary_color = @PrimaryColor,
                custom_domain = @CustomDomain, telemetry_retention_days = @TelemetryRetentionDays, updated_at = @UpdatedAt,
                timezone = @Timezone
            WHERE id = @Id
            """, org);
        _planCache.TryRemove(org.Id, out _);
    }

    /// <summary>The org's plan, cached for a few seconds (rate limiting asks on every request).</summary>
    public async ValueTask<string?> PlanAsync(string orgId, CancellationToken ct)
    {
        var now = clock.Ms();
        if (_planCache.TryGetValue(orgId, out var c) && now - c.FetchedAt < 10_000) return c.Plan;
        var org = await FindAsync(orgId, ct);
        if (org is null) return null;
        _planCache[orgId] = (org.Plan, now);
        return org.Plan;
    }

    /// <summary>Lower-case, dash-separated slug from a display name ("Acme Corp" → "acme-corp").</summary>
    public static string SlugFrom(string name)
    {
        var chars = name.Trim().ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-').ToArray();
        var slug = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return slug.Length > 63 ? slug[..63].TrimEnd('-') : slug;
    }

    /// <summary>
    /// The <see cref="AccessScope"/> <paramref name="caller"/> has now: for a partner, its orgs are read from the
    /// database; every other role's scope follows from the caller alone. The one way a scope is built (HTTP requests and
    /// long-lived receivers alike).
    /// </summary>
    public async ValueTask<AccessScope> ScopeForAsync(Auth.Caller caller, CancellationToken ct)
    {
        var partnerOrgs = caller.Role == Auth.Roles.Partner && caller.PartnerId is not null
            ? await IdsForPartnerAsync(caller.PartnerId, ct)
            : [];
        return AccessScope.For(caller, partnerOrgs);
    }
}
