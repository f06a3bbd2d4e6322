using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Tenancy;

/// <summary>Partners (system integrators, OEMs) who own customer orgs.</summary>
public sealed class PartnerStore(Database db, TimeProvider clock)
{
    public sealed record PartnerDto(string Id, string Name, string Slug, string? ContactEmail, string Plan, DateTime CreatedAt);

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string Slug { get; set; } = "";
        public string? ContactEmail { get; set; }
        public string Plan { get; set; } = "";
        public long CreatedAt { get; set; }
        public PartnerDto ToDto() => new(Id, Name, Slug, ContactEmail, Plan, Times.ToUtc(CreatedAt));
    }

    public async Task<PartnerDto> CreateAsync(string name, string slug, string? contactEmail, string plan, CancellationToken ct)
    {
        var row = new Row { Id = Ids.New(), Name = name, Slug = slug, ContactEmail = contactEmail, Plan = plan, CreatedAt = clock.Ms() };
        await using var conn = await db.OpenAsync(ct);
        try
        {
            await conn.ExecuteAsync("INSERT INTO partners (id, name, slug, contact_email, plan, created_at) VALUES (@Id, @Name, @Slug, @ContactEmail, @Plan, @CreatedAt)", row);
        }
        catch (Exception ex) when (Database.IsUniqueViolation(ex))
        {
            throw ApiException.Conflict($"A partner with slug '{slug}' already exists.");
        }
        return row.ToDto();
    }

    public async Task<PartnerDto?> FindAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<Row>("SELECT * FROM partners WHERE id = @id", new { id }))?.ToDto();
    }

    public async Task<IReadOnlyList<PartnerDto>> ListAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<Row>("SELECT * FROM partners ORDER BY created_at")).Select(r => r.ToDto()).ToList();
    }
}
