using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Audit;
using EdgeConductor.Sdk.Orgs;

namespace EdgeConductor.Cli.Tests.Sdk;

[Collection(ServerCollection.Name)]
public sealed class OrgsAuditApiKeysTests(ServerFixture server)
{
    [Fact]
    public async Task Orgs_CreateListGetRooms_AsSuperAdmin()
    {
        using var admin = server.Client(server.AdminToken);

        var org = await admin.Orgs.CreateAsync(new CreateOrgRequest("Acme Corp SDK", Plan: "enterprise", Product: "EC-CLIMATE-V1"));
        var list = await admin.Orgs.ListAsync();
        var got = await admin.Orgs.GetAsync(org.Id);
        var room = await admin.Orgs.CreateRoomAsync(org.Id, new CreateRoomRequest("Server room", "B1", "HQ"));
        var rooms = await admin.Orgs.RoomsAsync(org.Id);

        Assert.Equal("acme-corp-sdk", org.Slug);
        Assert.Equal("enterprise", org.Plan);
        Assert.Contains(list, o => o.Id == org.Id);
        Assert.Equal("EC-CLIMATE-V1", got.Product);
        Assert.Equal([room.Id], rooms.Select(r => r.Id));
        Assert.Equal("B1", rooms[0].Floor);
    }

    [Fact]
    public async Task Orgs_ApiKeySeesOnlyItsOrg_AndCannotCreateOrgs()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);

        var list = await ec.Orgs.ListAsync();
        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() => ec.Orgs.CreateAsync("Not allowed"));

        Assert.Equal([org.Id], list.Select(o => o.Id));
        Assert.Equal(403, ex.Status);
        Assert.Equal("FORBIDDEN", ex.Code);
    }

    [Fact]
    public async Task ApiKeys_GenerateListRevoke()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);

        var created = await ec.ApiKeys.GenerateAsync(org.Id, "ci pipeline");
        var listed = await ec.ApiKeys.ListAsync(org.Id);
        using var withNewKey = server.Client(created.Key);
        var me = await withNewKey.Auth.MeAsync();
        var revoked = await ec.ApiKeys.RevokeAsync(created.Id);
        var afterRevoke = await Assert.ThrowsAsync<EdgeConductorApiException>(() => withNewKey.Auth.MeAsync());
        var twice = await Assert.ThrowsAsync<EdgeConductorApiException>(() => ec.ApiKeys.RevokeAsync(created.Id));

        Assert.StartsWith("ec_live_", created.Key);
        Assert.Contains(listed, k => k.Id == created.Id && k.Name == "ci pipeline" && created.Key.StartsWith(k.Prefix, StringComparison.Ordinal));
        Assert.Equal("api_key", me.Kind);
        Assert.Equal("org_admin", me.Role);
        Assert.Equal(org.Id, me.OrgId);
        Assert.NotNull(revoked.RevokedAt);
        Assert.Equal(401, afterRevoke.Status);
        Assert.Equal(409, twice.Status);
    }

    [Fact]
    public async Task Audit_ListsRecentEventsNewestFirst()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);
        await ec.Devices.RegisterAsync("SDK-AUDIT-1", "tracker");
        await ec.Devices.PushConfigAsync("SDK-AUDIT-1", new { relay = true });

        var events = await ec.Audit.ListAsync(org.Id, 10);
        var filtered = await ec.Audit.ListAsync(org.Id, new AuditListOptions { Action = events[0].Action, Limit = 5 });

        Assert.True(events.Count >= 2);
        Assert.True(events[0].Id > events[^1].Id);
        Assert.Contains(events, e => e.TargetId == "SDK-AUDIT-1");
        Assert.All(filtered, e => Assert.Equal(events[0].Action, e.Action));
    }

    [Fact]
    public async Task Auth_LoginAndMe()
    {
        using var anonymous = server.Client(null);
        var tokens = await anonymous.Auth.LoginAsync(ServerFixture.AdminEmail, ServerFixture.AdminPassword);
        using var admin = server.Client(tokens.AccessToken);

        var me = await admin.Auth.MeAsync();
        var bad = await Assert.ThrowsAsync<EdgeConductorApiException>(() => anonymous.Auth.MeAsync());

        Assert.Equal("user", me.Kind);
        Assert.Equal("super_admin", me.Role);
        Assert.Equal(ServerFixture.AdminEmail, me.Email);
        Assert.Equal(401, bad.Status);
    }
}
