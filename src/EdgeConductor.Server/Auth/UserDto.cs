using EdgeConductor.Server.Common;

namespace EdgeConductor.Server.Auth;

/// <summary>A user as the API shows it (never the password hash); <c>disabled</c> is true while the account is disabled.</summary>
public sealed record UserDto(string Id, string Email, string Role, string? OrgId, string? PartnerId, string? RoomId, DateTime CreatedAt,
    bool Disabled)
{
    public static UserDto From(UserRecord u) => new(u.Id, u.Email, u.Role, u.OrgId, u.PartnerId, u.RoomId, Times.ToUtc(u.CreatedAt), u.IsDisabled);
}
