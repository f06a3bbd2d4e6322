namespace EdgeConductor.Sdk.Auth;

/// <summary>Who the client's credential belongs to (<c>GET /auth/me</c>).</summary>
/// <param name="Kind"><c>api_key</c> or <c>user</c>.</param>
/// <param name="Id">The key's or user's id.</param>
/// <param name="Role">super_admin, partner, org_admin, … (an org API key acts as org_admin).</param>
/// <param name="Email">The user's e-mail (users only).</param>
/// <param name="OrgId">The org the caller belongs to, if any.</param>
/// <param name="PartnerId">The partner the caller belongs to, if any.</param>
/// <param name="RoomId">The room of a tenant user.</param>
/// <param name="Name">The API key's name (keys only).</param>
/// <param name="OrgName">The name of <paramref name="OrgId"/>'s org.</param>
public sealed record Identity(string Kind, string Id, string Role, string? Email, string? OrgId, string? PartnerId, string? RoomId,
    string? Name, string? OrgName);
