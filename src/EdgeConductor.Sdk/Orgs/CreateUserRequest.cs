namespace EdgeConductor.Sdk.Orgs;

/// <summary>A new user of an org (<c>POST /orgs/:id/users</c>).</summary>
/// <param name="Email">Login e-mail.</param>
/// <param name="Role">org_admin, customer or tenant.</param>
/// <param name="Password">Initial password (the server's password rules apply).</param>
/// <param name="RoomId">The room of a tenant (required for tenants).</param>
public sealed record CreateUserRequest(string Email, string Role, string Password, string? RoomId = null);
