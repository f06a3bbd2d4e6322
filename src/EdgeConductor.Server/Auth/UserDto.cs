using EdgeConductor.Server.Common;

namespace EdgeConductor.Server.Auth;

public sealed record UserDto(string Id, string Email, string Role, string? OrgId, string? PartnerId, string? RoomId, DateTime CreatedAt)
{
    public static UserDto From(UserRecord u) => new(u.Id, u.Email, u.Role, u.OrgId, u.PartnerId, u.RoomId, Times.ToUtc(u.CreatedAt));
}
