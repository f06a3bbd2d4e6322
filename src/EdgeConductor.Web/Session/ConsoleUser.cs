using System.Security.Claims;

namespace EdgeConductor.Web.Session;

/// <summary>The signed-in console user as the session cookie knows it.</summary>
/// <param name="Id">The API user id.</param>
/// <param name="Email">Login e-mail.</param>
/// <param name="Role">super_admin, partner, org_admin, customer or tenant.</param>
/// <param name="OrgId">The user's org (org_admin, customer, tenant).</param>
/// <param name="PartnerId">The user's partner (partner).</param>
/// <param name="RoomId">The tenant's room.</param>
/// <param name="SessionId">The id of this sign-in.</param>
/// <param name="Tokens">The token pair the cookie carried when the circuit started.</param>
public sealed record ConsoleUser(string Id, string Email, string Role, string? OrgId, string? PartnerId, string? RoomId,
    string SessionId, TokenPair Tokens)
{
    /// <summary>The console user of a principal, or null when it is not a signed-in console session.</summary>
    public static ConsoleUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return null;
        var tokens = ConsoleSession.PairOf(principal);
        var session = ConsoleSession.SessionIdOf(principal);
        var id = principal.FindFirst(ConsoleAuth.UserIdClaim)?.Value;
        var role = principal.FindFirst(ClaimTypes.Role)?.Value;
        if (tokens is null || session is null || id is null || role is null) return null;
        return new ConsoleUser(id, principal.FindFirst(ConsoleAuth.EmailClaim)?.Value ?? "", role,
            principal.FindFirst(ConsoleAuth.OrgIdClaim)?.Value, principal.FindFirst(ConsoleAuth.PartnerIdClaim)?.Value,
            principal.FindFirst(ConsoleAuth.RoomIdClaim)?.Value, session, tokens);
    }
}
