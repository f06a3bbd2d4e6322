using Dapper;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Tenancy;

/// <summary>
/// What one caller may see: the single place tenant isolation is decided. Stores put <see cref="OrgFilter"/> or
/// <see cref="DeviceFilter"/> into every query they run for a caller, so a resource outside the scope is simply
/// not found (404), never "forbidden" — org A cannot even learn that org B's device exists.
/// </summary>
public sealed class AccessScope
{
    private AccessScope(bool allOrgs, IReadOnlySet<string> orgIds, string? deviceTenantId, string? deviceRoomId, bool readOnly)
    {
        AllOrgs = allOrgs;
        OrgIds = orgIds;
        DeviceTenantId = deviceTenantId;
        DeviceRoomId = deviceRoomId;
        ReadOnly = readOnly;
    }

    /// <summary>Super admin: every org, and devices not yet assigned to any org.</summary>
    public bool AllOrgs { get; }
    public IReadOnlySet<string> OrgIds { get; }

    /// <summary>Customers see only devices assigned to them (tenant_id).</summary>
    public string? DeviceTenantId { get; }

    /// <summary>Tenants see only devices in their room (or assigned to them).</summary>
    public string? DeviceRoomId { get; }

    public bool ReadOnly { get; }

    public static AccessScope Everything { get; } = new(true, new HashSet<string>(), null, null, false);

    public static AccessScope For(Caller caller, IReadOnlyCollection<string> partnerOrgIds) => caller.Role switch
    {
        Roles.SuperAdmin => Everything,
        Roles.Partner => new AccessScope(false, partnerOrgIds.ToHashSet(), null, null, false),
        Roles.OrgAdmin => Org(caller.OrgId),
        Roles.Customer => new AccessScope(false, OrgSet(caller.OrgId), caller.Id, null, false),
        Roles.Tenant => new AccessScope(false, OrgSet(caller.OrgId), caller.Id, caller.RoomId ?? "", true),
        _ => new AccessScope(false, new HashSet<string>(), null, null, true),
    };

    private static AccessScope Org(string? orgId) => new(false, OrgSet(orgId), null, null, false);

    private static HashSet<string> OrgSet(string? orgId) => orgId is null ? [] : [orgId];

    /// <summary>May the caller see this org (and so its rooms, users, keys, audit)?</summary>
    public bool CanSeeOrg(string? orgId) => AllOrgs || (orgId is not null && OrgIds.Contains(orgId));

    /// <summary>A SQL condition restricting <paramref name="column"/> to visible orgs; adds its parameters to <paramref name="p"/>.</summary>
    public string OrgFilter(string column, DynamicParameters p)
    {
        if (AllOrgs) return "1=1";
        return Database.InList(column, "scope_org", OrgIds.Order(StringComparer.Ordinal), p);
    }

    /// <summary>A SQL condition restricting a devices table aliased <paramref name="alias"/> to the caller's devices.</summary>
    public string DeviceFilter(string alias, DynamicParameters p)
    {
        var sql = OrgFilter($"{alias}.org_id", p);
        if (DeviceRoomId is not null)
        {
            p.Add("scope_room", DeviceRoomId);
            p.Add("scope_tenant", DeviceTenantId);
            sql += $" AND ({alias}.room_id = @scope_room OR {alias}.tenant_id = @scope_tenant)";
        }
        else if (DeviceTenantId is not null)
        {
            p.Add("scope_tenant", DeviceTenantId);
            sql += $" AND {alias}.tenant_id = @scope_tenant";
        }
        return sql;
    }

    /// <summary>In-memory form of <see cref="DeviceFilter"/>.</summary>
    public bool CanSeeDevice(string? orgId, string? roomId, string? tenantId)
    {
        if (!CanSeeOrg(orgId)) return false;
        if (DeviceRoomId is not null) return roomId == DeviceRoomId || tenantId == DeviceTenantId;
        if (DeviceTenantId is not null) return tenantId == DeviceTenantId;
        return true;
    }
}
