using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Tenancy;

/// <summary>Rooms / zones inside an org.</summary>
public sealed class RoomStore(Database db, TimeProvider clock)
{
    public sealed record RoomDto(string Id, string OrgId, string Name, string? Floor, string? Building, DateTime CreatedAt);

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string OrgId { get; set; } = "";
        public string Name { get; set; } = "";
        public string? Floor { get; set; }
        public string? Building { get; set; }
        public long CreatedAt { get; set; }
        public RoomDto ToDto() => new(Id, OrgId, Name, Floor, Building, Times.ToUtc(CreatedAt));
    }

    public async Task<RoomDto> CreateAsync(string orgId, string name, string? floor, string? building, CancellationToken ct)
    {
        var row = new Row { Id = Ids.New(), OrgId = orgId, Name = name, Floor = floor, Building = building, CreatedAt = clock.Ms() };
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("INSERT INTO rooms (id, org_id, name, floor, building, created_at) VALUES (@Id, @OrgId, @Name, @Floor, @Building, @CreatedAt)", row);
        return row.ToDto();
    }

    public async Task<IReadOnlyList<RoomDto>> ListAsync(string orgId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<Row>("SELECT * FROM rooms WHERE org_id = @orgId ORDER BY created_at", new { orgId })).Select(r => r.ToDto()).ToList();
    }

    public async Task<RoomDto?> FindAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<Row>("SELECT * FROM rooms WHERE id = @id", new { id }))?.ToDto();
    }
}
