using System.Security.Claims;

namespace EdgeConductor.Server.Auth;

/// <summary>Who is making the request: a user (JWT) or an org API key (acts as that org's org_admin).</summary>
public sealed record Caller(string Kind, string Id, string Role, string? OrgId, string? PartnerId, string? RoomId, string? Email)
{
    public const string UserKind = "user";
    public const string ApiKeyKind = "api_key";

    public bool IsSuperAdmin => Role == Roles.SuperAdmin;
    public bool IsManager => Roles.Managers.Contains(Role);

    public static class ClaimNames
    {
        public const string Subject = "sub";
        public const string Role = "role";
        public const string Kind = "kind";
        public const string OrgId = "org_id";
        public const string PartnerId = "partner_id";
        public const string RoomId = "room_id";
        public const string Email = "email";
    }

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var claims = new List<Claim> { new(ClaimNames.Subject, Id), new(ClaimNames.Role, Role), new(ClaimNames.Kind, Kind) };
        if (OrgId is not null) claims.Add(new(ClaimNames.OrgId, OrgId));
        if (PartnerId is not null) claims.Add(new(ClaimNames.PartnerId, PartnerId));
        if (RoomId is not null) claims.Add(new(ClaimNames.RoomId, RoomId));
        if (Email is not null) claims.Add(new(ClaimNames.Email, Email));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimNames.Subject, ClaimNames.Role));
    }

    public static Caller? FromPrincipal(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        var id = user.FindFirstValue(ClaimNames.Subject);
        var role = user.FindFirstValue(ClaimNames.Role);
        if (id is null || role is null) return null;
        return new Caller(user.FindFirstValue(ClaimNames.Kind) ?? UserKind, id, role,
            user.FindFirstValue(ClaimNames.OrgId), user.FindFirstValue(ClaimNames.PartnerId),
            user.FindFirstValue(ClaimNames.RoomId), user.FindFirstValue(ClaimNames.Email));
    }
}
