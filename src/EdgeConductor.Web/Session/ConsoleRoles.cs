using System.Security.Claims;

namespace EdgeConductor.Web.Session;

/// <summary>
/// The five user roles and the home page of each, exactly as seed 001 "Multi-Tenant" routes them: super admin →
/// <c>/</c>, org_admin → <c>/org</c>, customer → <c>/portal</c>, tenant → <c>/portal/room</c>, partner →
/// <c>/partner</c>.
/// </summary>
public static class ConsoleRoles
{
    /// <summary>The platform operator.</summary>
    public const string SuperAdmin = "super_admin";

    /// <summary>A system integrator managing customer orgs.</summary>
    public const string Partner = "partner";

    /// <summary>The administrator of one org.</summary>
    public const string OrgAdmin = "org_admin";

    /// <summary>A customer of an org, seeing their own devices.</summary>
    public const string Customer = "customer";

    /// <summary>A room tenant (read-only climate view, joined by QR claim).</summary>
    public const string Tenant = "tenant";

    /// <summary>The home path of <paramref name="role"/>; unknown roles go to the "not allowed" page.</summary>
    public static string HomeFor(string? role) => role switch
    {
        SuperAdmin => "/",
        OrgAdmin => "/org",
        Customer => "/portal",
        Tenant => "/portal/room",
        Partner => "/partner",
        _ => ConsoleAuth.NotAllowedPath,
    };

    /// <summary>The role of a signed-in console user, or null.</summary>
    public static string? RoleOf(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true ? user.FindFirst(ClaimTypes.Role)?.Value : null;

    /// <summary>A human label for a role (navigation, user lists).</summary>
    public static string Label(string? role) => role switch
    {
        SuperAdmin => "Super admin",
        OrgAdmin => "Org admin",
        Customer => "Customer",
        Tenant => "Room tenant",
        Partner => "Partner",
        _ => role ?? "",
    };
}
