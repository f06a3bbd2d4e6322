namespace EdgeConductor.Sdk.Orgs;

/// <summary>The body of <c>POST /orgs/{id}/rooms</c>.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Floor">Floor, if any.</param>
/// <param name="Building">Building, if any.</param>
public sealed record CreateRoomRequest(string Name, string? Floor = null, string? Building = null);
