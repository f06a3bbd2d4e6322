using Dapper;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Tests.Tenancy;

public sealed class AccessScopeTests
{
    private static Caller User(string role, string? org = "org-a", string? partner = null, string? room = null) =>
        new(Caller.UserKind, "user-1", role, org, partner, room, "u@example.test");

    [Fact]
    public void SuperAdmin_SeesEverything_NoFilter()
    {
        var s = AccessScope.For(User(Roles.SuperAdmin, org: null), []);
        var p = new DynamicParameters();
        Assert.True(s.AllOrgs);
        Assert.Equal("1=1", s.OrgFilter("org_id", p));
        Assert.Equal("1=1", s.DeviceFilter("d", p));
        Assert.Empty(p.ParameterNames);
        Assert.True(s.CanSeeOrg("anything"));
        Assert.True(s.CanSeeOrg(null));
        Assert.True(s.CanSeeDevice(null, null, null));
    }

    [Fact]
    public void OrgAdmin_FilterIsOneParameterPerOrg()
    {
        var s = AccessScope.For(User(Roles.OrgAdmin), []);
        var p = new DynamicParameters();
        Assert.Equal("d.org_id IN (@scope_org0)", s.DeviceFilter("d", p));
        Assert.Equal(["scope_org0"], p.ParameterNames.ToArray());
        Assert.Equal("org-a", p.Get<string>("scope_org0"));
        Assert.True(s.CanSeeOrg("org-a"));
        Assert.False(s.CanSeeOrg("org-b"));
        Assert.False(s.CanSeeOrg(null));
        Assert.False(s.ReadOnly);
    }

    [Fact]
    public void Partner_SeesItsOrgs_AndNoneWhenItHasNone()
    {
        var s = AccessScope.For(User(Roles.Partner, org: null, partner: "p1"), ["org-2", "org-1"]);
        var p = new DynamicParameters();
        Assert.Equal("org_id IN (@scope_org0, @scope_org1)", s.OrgFilter("org_id", p));
        Assert.True(s.CanSeeOrg("org-1") && s.CanSeeOrg("org-2"));
        Assert.False(s.CanSeeOrg("org-3"));

        var none = AccessScope.For(User(Roles.Partner, org: null, partner: "p2"), []);
        Assert.Equal("1=0", none.OrgFilter("org_id", new DynamicParameters()));
        Assert.False(none.CanSeeOrg("org-1"));
    }

    [Fact]
    public void Customer_SeesOnlyDevicesAssignedToThem()
    {
        var s = AccessScope.For(User(Roles.Customer), []);
        var p = new DynamicParameters();
        Assert.Equal("d.org_id IN (@scope_org0) AND d.tenant_id = @scope_tenant", s.DeviceFilter("d", p));
        Assert.Equal("user-1", p.Get<string>("scope_tenant"));
        Assert.True(s.CanSeeDevice("org-a", null, "user-1"));
        Assert.False(s.CanSeeDevice("org-a", "room-1", null));
        Assert.False(s.CanSeeDevice("org-b", null, "user-1"));
        Assert.True(s.CanSeeOrg("org-a"));
    }

    [Fact]
    public void Tenant_SeesDevicesOfTheirRoom_ReadOnly()
    {
        var s = AccessScope.For(User(Roles.Tenant, room: "room-1"), []);
        var p = new DynamicParameters();
        Assert.Equal("d.org_id IN (@scope_org0) AND (d.room_id = @scope_room OR d.tenant_id = @scope_tenant)", s.DeviceFilter("d", p));
        Assert.True(s.ReadOnly);
        Assert.True(s.CanSeeDevice("org-a", "room-1", null));
        Assert.True(s.CanSeeDevice("org-a", null, "user-1"));
        Assert.False(s.CanSeeDevice("org-a", "room-2", null));
        Assert.False(s.CanSeeDevice("org-b", "room-1", null));
    }

    [Fact]
    public void TenantWithoutRoom_SeesOnlyAssignedDevices()
    {
        var s = AccessScope.For(User(Roles.Tenant, room: null), []);
        Assert.False(s.CanSeeDevice("org-a", null, null));
        Assert.True(s.CanSeeDevice("org-a", null, "user-1"));
    }

    [Theory]
    [InlineData(Roles.OrgAdmin)]
    [InlineData(Roles.Customer)]
    [InlineData(Roles.Tenant)]
    [InlineData("no_such_role")]
    public void OrgRoleWithoutOrg_SeesNothing(string role)
    {
        var s = AccessScope.For(User(role, org: null, room: "room-1"), []);
        Assert.Equal("1=0", s.OrgFilter("org_id", new DynamicParameters()).Split(' ')[0]);
        Assert.False(s.CanSeeOrg("org-a"));
        Assert.False(s.CanSeeDevice("org-a", "room-1", "user-1"));
    }
}
