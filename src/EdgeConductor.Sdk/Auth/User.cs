namespace EdgeConductor.Sdk.Auth;

/// <summary>A user account.</summary>
/// <param name="Id">The user's id.</param>
/// <param name="Email">Login e-mail.</param>
/// <param name="Role">super_admin, partner, org_admin, customer or tenant.</param>
/// <param name="OrgId">The user's org, if any.</param>
/// <param name="PartnerId">The user's partner, if any.</param>
/// <param name="RoomId">A tenant's room.</param>
/// <param name="CreatedAt">When the account was created.</param>
/// <param name="Disabled">True while the account is disabled (it cannot log in).</param>
public sealed record User(string Id, string Email, string Role, string? OrgId, string? PartnerId, string? RoomId, DateTimeOffset CreatedAt,
    bool Disabled = false);
