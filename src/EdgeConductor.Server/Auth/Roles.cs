namespace EdgeConductor.Server.Auth;

/// <summary>The platform's roles (seed 001 "Multi-Tenant").</summary>
public static class Roles
{
    public const string SuperAdmin = "super_admin";
    public const string Partner = "partner";
    public const string OrgAdmin = "org_admin";
    public const string Customer = "customer";
    public const string Tenant = "tenant";

    public static readonly string[] All = [SuperAdmin, Partner, OrgAdmin, Customer, Tenant];

    /// <summary>Roles that belong to one org (created with POST /orgs/:id/users).</summary>
    public static readonly string[] OrgRoles = [OrgAdmin, Customer, Tenant];

    /// <summary>Roles that may manage an org's registry, keys, users and rooms.</summary>
    public static readonly string[] Managers = [SuperAdmin, Partner, OrgAdmin];
}
