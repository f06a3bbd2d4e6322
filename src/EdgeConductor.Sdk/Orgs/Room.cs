namespace EdgeConductor.Sdk.Orgs;

/// <summary>A room or zone inside an org.</summary>
/// <param name="Id">The room's id.</param>
/// <param name="OrgId">The org it belongs to.</param>
/// <param name="Name">Display name.</param>
/// <param name="Floor">Floor, if given.</param>
/// <param name="Building">Building, if given.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record Room(string Id, string OrgId, string Name, string? Floor, string? Building, DateTimeOffset CreatedAt);
