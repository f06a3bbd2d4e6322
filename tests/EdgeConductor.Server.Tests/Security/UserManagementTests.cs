using EdgeConductor.Server.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Server.Tests.Security;

/// <summary>
/// Issue 8, hardening "user management": PATCH /users/:id (disabled, role) and DELETE /users/:id with the role rules of
/// user creation; each change takes effect at once (access epoch bumped, refresh tokens revoked) and is audited. Runs on
/// SQLite and on PostgreSQL.
/// </summary>
public abstract class UserManagementTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : EcServerFactory
{
    private EcApi Api => server.Api;

    private static string UserUrl(string id) => $"{EcApi.Base}/users/{id}";

    /// <summary>Records every access change the server publishes while <paramref name="action"/> runs.</summary>
    private async Task<List<AccessChange>> ChangesDuringAsync(Func<Task> action)
    {
        var epoch = server.Services.GetRequiredService<AccessEpoch>();
        var seen = new List<AccessChange>();
        void OnChange(AccessChange c)
        {
            lock (seen) seen.Add(c);
        }
        epoch.Changed += OnChange;
        try
        {
            await action();
        }
        finally
        {
            epoch.Changed -= OnChange;
        }
        lock (seen) return [.. seen];
    }

    [Fact]
    public async Task OrgAdmin_DisablesCustomer_TokenLoginAndRefreshStop_EnableRestoresLogin()
    {
        var org = await Api.CreateOrgAsync();
        var orgAdmin = await Api.CreateUserAsync(org.Id, "org_admin");
        var customer = await Api.CreateUserAsync(org.Id, "customer");
        using var victim = Api.Client(customer.Token);
        await victim.GetAsync($"{EcApi.Base}/devices").ExpectAsync(HttpStatusCode.OK); // control
        using var c = Api.Client(orgAdmin.Token);

        JsonElement dto = default;
        var changes = await ChangesDuringAsync(async () =>
            dto = await c.PatchJsonAsync(UserUrl(customer.Id), new { disabled = true }).ExpectAsync(HttpStatusCode.OK));
        Assert.True(dto.GetProperty("disabled").GetBoolean());
        var change = Assert.Single(changes);
        Assert.Equal(new AccessChange(AccessChange.UserDisabled, customer.Id, org.Id), change);

        await victim.GetAsync($"{EcApi.Base}/devices").ExpectProblemAsync(HttpStatusCode.Unauthorized);
        using var anon = Api.Client(null);
        var p = await anon.PostJsonAsync($"{EcApi.Base}/auth/login", new { email = customer.Email, password = customer.Password })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid e-mail or password.", p.Str("detail"));
        await anon.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = customer.Session.RefreshToken })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized);

        var enabled = await c.PatchJsonAsync(UserUrl(customer.Id), new { disabled = false }).ExpectAsync(HttpStatusCode.OK);
        Assert.False(enabled.GetProperty("disabled").GetBoolean());
        var s = await Api.LoginAsync(customer.Email, customer.Password);
        using var back = Api.Client(s.AccessToken);
        await back.GetAsync($"{EcApi.Base}/devices").ExpectAsync(HttpStatusCode.OK);
        // The refresh tokens issued before the disable stay revoked.
        await anon.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = customer.Session.RefreshToken })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized);

        var audit = await c.GetAsync($"{EcApi.Base}/orgs/{org.Id}/audit?action=user_disabled").ExpectAsync(HttpStatusCode.OK);
        var e = Assert.Single(audit.EnumerateArray());
        Assert.Equal(orgAdmin.Id, e.Str("actor_id"));
        Assert.Equal(customer.Id, e.Str("target_id"));
        var enabledAudit = await c.GetAsync($"{EcApi.Base}/orgs/{org.Id}/audit?action=user_enabled").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, enabledAudit.GetArrayLength());
    }

    [Fact]
    public async Task OrgAdmin_ChangesRole_OldTokenRefused_NewLoginHasNewRole_Audited()
    {
        var org = await Api.CreateOrgAsync();
        var orgAdmin = await Api.CreateUserAsync(org.Id, "org_admin");
        var target = await Api.CreateUserAsync(org.Id, "org_admin");
        using var old = Api.Client(target.Token);
        await old.GetAsync($"{EcApi.Base}/orgs/{org.Id}/users").ExpectAsync(HttpStatusCode.OK); // control: a manager's call works

        using var c = Api.Client(orgAdmin.Token);
        var changes = await ChangesDuringAsync(async () =>
        {
            var dto = await c.PatchJsonAsync(UserUrl(target.Id), new { role = "customer" }).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("customer", dto.Str("role"));
        });
        Assert.Equal(AccessChange.UserRoleChanged, Assert.Single(changes).Kind);
        await old.GetAsync($"{EcApi.Base}/devices").ExpectProblemAsync(HttpStatusCode.Unauthorized);
        using var anon = Api.Client(null);
        await anon.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = target.Session.RefreshToken })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("customer", (await Api.LoginAsync(target.Email, target.Password)).Role);
        var audit = await c.GetAsync($"{EcApi.Base}/orgs/{org.Id}/audit?action=user_updated").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("customer", Assert.Single(audit.EnumerateArray()).GetProperty("details").Str("role"));
    }

    [Fact]
    public async Task Delete_RemovesTheAccount_TokenAndLoginStop_Audited()
    {
        var org = await Api.CreateOrgAsync();
        var room = await Api.CreateRoomAsync(org.Id);
        var tenant = await Api.CreateUserAsync(org.Id, "tenant", room.Id);
        using var victim = Api.Client(tenant.Token);
        await victim.GetAsync($"{EcApi.Base}/devices").ExpectAsync(HttpStatusCode.OK); // control
        using var admin = await Api.AdminClientAsync();

        var changes = await ChangesDuringAsync(() => admin.DeleteAsync(UserUrl(tenant.Id)).ExpectAsync(HttpStatusCode.NoContent));
        Assert.Equal(new AccessChange(AccessChange.UserDeleted, tenant.Id, org.Id), Assert.Single(changes));

        await victim.GetAsync($"{EcApi.Base}/devices").ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await admin.GetAsync(UserUrl(tenant.Id)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await admin.DeleteAsync(UserUrl(tenant.Id)).ExpectProblemAsync(HttpStatusCode.NotFound);
        using var anon = Api.Client(null);
        await anon.PostJsonAsync($"{EcApi.Base}/auth/login", new { email = tenant.Email, password = tenant.Password })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized);
        var audit = await admin.GetAsync($"{EcApi.Base}/orgs/{org.Id}/audit?action=user_deleted").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(tenant.Id, Assert.Single(audit.EnumerateArray()).Str("target_id"));
    }

    [Fact]
    public async Task NobodyDisablesOrDeletesThemselves()
    {
        var org = await Api.CreateOrgAsync();
        var orgAdmin = await Api.CreateUserAsync(org.Id, "org_admin");
        using var c = Api.Client(orgAdmin.Token);
        await c.PatchJsonAsync(UserUrl(orgAdmin.Id), new { disabled = true }).ExpectProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        await c.DeleteAsync(UserUrl(orgAdmin.Id)).ExpectProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        var admin = await Api.LoginAsync(EcServerFactory.DefaultAdminEmail, EcServerFactory.DefaultAdminPassword);
        using var sa = Api.Client(admin.AccessToken);
        await sa.DeleteAsync(UserUrl(admin.UserId)).ExpectProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        await c.GetAsync($"{EcApi.Base}/devices").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task UsersOutsideTheCallersScope_Are404_AndUsersAboveAreUnreachable()
    {
        var orgA = await Api.CreateOrgAsync();
        var orgB = await Api.CreateOrgAsync();
        var adminA = await Api.CreateUserAsync(orgA.Id, "org_admin");
        var userB = await Api.CreateUserAsync(orgB.Id, "customer");
        var partner = await Api.CreatePartnerAsync();
        var partnerUser = await Api.CreatePartnerUserAsync(partner.Id);
        var superAdmin = await Api.LoginAsync(EcServerFactory.DefaultAdminEmail, EcServerFactory.DefaultAdminPassword);

        using var a = Api.Client(adminA.Token);
        await a.PatchJsonAsync(UserUrl(userB.Id), new { disabled = true }).ExpectProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await a.DeleteAsync(UserUrl(userB.Id)).ExpectProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await a.PatchJsonAsync(UserUrl(superAdmin.UserId), new { disabled = true }).ExpectProblemAsync(HttpStatusCode.NotFound);
        await a.DeleteAsync(UserUrl(partnerUser.Id)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await a.PatchJsonAsync(UserUrl("no-such-user"), new { disabled = true }).ExpectProblemAsync(HttpStatusCode.NotFound);

        // A partner manages the users of its own orgs only, and never the super admin.
        var partnerOrg = await Api.CreateOrgAsync(partnerId: partner.Id);
        var inPartnerOrg = await Api.CreateUserAsync(partnerOrg.Id, "customer");
        using var p = Api.Client(partnerUser.Token);
        await p.PatchJsonAsync(UserUrl(inPartnerOrg.Id), new { disabled = true }).ExpectAsync(HttpStatusCode.OK);
        await p.PatchJsonAsync(UserUrl(userB.Id), new { disabled = true }).ExpectProblemAsync(HttpStatusCode.NotFound);
        await p.DeleteAsync(UserUrl(superAdmin.UserId)).ExpectProblemAsync(HttpStatusCode.NotFound);

        // The untouched users still work.
        using var b = Api.Client(userB.Token);
        await b.GetAsync($"{EcApi.Base}/devices").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CustomersAndTenants_CannotManageUsersOfTheirOwnOrg_403()
    {
        var org = await Api.CreateOrgAsync();
        var customer = await Api.CreateUserAsync(org.Id, "customer");
        var other = await Api.CreateUserAsync(org.Id, "customer");
        using var c = Api.Client(customer.Token);
        await c.PatchJsonAsync(UserUrl(other.Id), new { disabled = true }).ExpectProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        await c.DeleteAsync(UserUrl(other.Id)).ExpectProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task OrgApiKey_ManagesUsersOfItsOrg_LikeAnOrgAdmin()
    {
        var org = await Api.CreateOrgAsync();
        var key = await Api.CreateApiKeyAsync(org.Id);
        var customer = await Api.CreateUserAsync(org.Id, "customer");
        using var k = Api.Client(key.Key);
        await k.PatchJsonAsync(UserUrl(customer.Id), new { disabled = true }).ExpectAsync(HttpStatusCode.OK);
        await k.DeleteAsync(UserUrl(customer.Id)).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("{\"disabled\": \"yes\"}", "disabled")]
    [InlineData("{\"role\": \"super_admin\"}", "role")]
    [InlineData("{\"role\": \"tenant\"}", "role")]
    [InlineData("{\"email\": \"x@y.z\"}", "email")]
    public async Task Patch_InvalidBody_Returns400NamingTheField(string raw, string field)
    {
        var org = await Api.CreateOrgAsync();
        var customer = await Api.CreateUserAsync(org.Id, "customer");
        using var admin = await Api.AdminClientAsync();
        var p = await admin.SendRawAsync(HttpMethod.Patch, UserUrl(customer.Id), raw).ExpectProblemAsync(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.True(p.GetProperty("errors").TryGetProperty(field, out _), p.ToString());
    }

    [Fact]
    public async Task Patch_RoleOfAPartnerUser_Returns400()
    {
        var partner = await Api.CreatePartnerAsync();
        var partnerUser = await Api.CreatePartnerUserAsync(partner.Id);
        using var admin = await Api.AdminClientAsync();
        await admin.PatchJsonAsync(UserUrl(partnerUser.Id), new { role = "org_admin" }).ExpectProblemAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class UserManagementTests_Sqlite(EcServerFactory server) : UserManagementTests<EcServerFactory>(server);

[Collection(PostgresCollection.Name)]
public sealed class UserManagementTests_Postgres(PostgresServerFactory server) : UserManagementTests<PostgresServerFactory>(server);
