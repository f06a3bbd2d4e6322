using Microsoft.AspNetCore.Authorization;

namespace EdgeConductor.Web.Session;

/// <summary>
/// Authorization policies of the console's role areas. Each uses the console cookie scheme. The policies only decide
/// which pages a user sees: the REST API stays the real guard of the data (every call carries the user's own token).
/// </summary>
public static class ConsolePolicies
{
    /// <summary>Any signed-in console user.</summary>
    public const string SignedIn = "console:signed_in";

    /// <summary>The platform area <c>/</c> (super admin).</summary>
    public const string SuperAdmin = "console:super_admin";

    /// <summary>The org area <c>/org</c>.</summary>
    public const string OrgAdmin = "console:org_admin";

    /// <summary>The customer portal <c>/portal</c>.</summary>
    public const string Customer = "console:customer";

    /// <summary>The room tenant view <c>/portal/room</c>.</summary>
    public const string Tenant = "console:tenant";

    /// <summary>The partner portal <c>/partner</c>.</summary>
    public const string Partner = "console:partner";

    /// <summary>Device pages (<c>/devices…</c>): every role that sees devices (super admin, org admin, customer, partner).</summary>
    public const string Devices = "console:devices";

    internal static void Add(AuthorizationOptions o)
    {
        o.AddPolicy(SignedIn, p => p.AddAuthenticationSchemes(ConsoleAuth.Scheme).RequireAuthenticatedUser());
        Role(o, SuperAdmin, ConsoleRoles.SuperAdmin);
        Role(o, OrgAdmin, ConsoleRoles.OrgAdmin);
        Role(o, Customer, ConsoleRoles.Customer);
        Role(o, Tenant, ConsoleRoles.Tenant);
        Role(o, Partner, ConsoleRoles.Partner);
        Role(o, Devices, ConsoleRoles.SuperAdmin, ConsoleRoles.OrgAdmin, ConsoleRoles.Customer, ConsoleRoles.Partner);
    }

    private static void Role(AuthorizationOptions o, string name, params string[] roles) =>
        o.AddPolicy(name, p => p.AddAuthenticationSchemes(ConsoleAuth.Scheme).RequireAuthenticatedUser().RequireRole(roles));
}
