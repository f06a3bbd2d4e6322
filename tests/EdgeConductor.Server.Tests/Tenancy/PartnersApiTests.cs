namespace EdgeConductor.Server.Tests.Tenancy;

/// <summary>Partners (super admin creates them; a partner manages its own customer orgs) and partner stats; both engines.</summary>
public abstract class PartnersApiTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : EcServerFactory
{
    private const string Partners = EcApi.Base + "/partners";
    private EcApi Api => server.Api;

    [Fact]
    public async Task Create_AsSuperAdmin_Returns201_AndAppearsInList()
    {
        using var admin = await Api.AdminClientAsync();
        var slug = Unique.Slug("integrator");
        var p = await admin.PostJsonAsync(Partners, new { name = "Integrator GmbH", slug, contact_email = "ops@integrator.example", plan = "business" })
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(slug, p.Str("slug"));
        Assert.Equal("ops@integrator.example", p.Str("contact_email"));
        Assert.Equal("business", p.Str("plan"));
        var list = await admin.GetAsync(Partners).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(p.Str("id"), list.EnumerateArray().Select(x => x.Str("id")));
        await admin.GetAsync($"{Partners}/{p.Str("id")}").ExpectAsync(HttpStatusCode.OK);
        await admin.PostJsonAsync(Partners, new { name = "Again", slug }).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("{\"slug\": \"x\"}", "name")]
    [InlineData("{\"name\": \"X\", \"contact_email\": \"nope\"}", "contact_email")]
    [InlineData("{\"name\": \"X\", \"plan\": \"free\"}", "plan")]
    [InlineData("{\"name\": \"X\", \"slug\": \"UPPER\"}", "slug")]
    public async Task Create_BadInput_Returns400(string raw, string field)
    {
        using var admin = await Api.AdminClientAsync();
        var p = await admin.SendRawAsync(HttpMethod.Post, Partners, raw).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty(field, out _), p.ToString());
    }

    [Fact]
    public async Task Create_AndList_ByPartnerOrOrgAdmin_Returns403()
    {
        var partner = await Api.CreatePartnerAsync();
        var pu = await Api.CreatePartnerUserAsync(partner.Id);
        var org = await Api.CreateOrgAsync();
        var oa = await Api.CreateUserAsync(org.Id, "org_admin");
        foreach (var token in new[] { pu.Token, oa.Token })
        {
            using var c = Api.Client(token);
            await c.PostJsonAsync(Partners, new { name = Unique.Name() }).ExpectProblemAsync(HttpStatusCode.Forbidden);
            await c.GetAsync(Partners).ExpectProblemAsync(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task PartnerUser_CreatesAndManagesOwnCustomerOrgs()
    {
        var partner = await Api.CreatePartnerAsync();
        var pu = await Api.CreatePartnerUserAsync(partner.Id);
        Assert.Equal("partner", pu.Role);
        using var c = Api.Client(pu.Token);

        var org = await c.PostJsonAsync($"{Partners}/{partner.Id}/orgs", new { name = "Acme Manufacturing", slug = Unique.Slug("acme"), product = "EC-CLIMATE-V1", plan = "pro" })
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(partner.Id, org.Str("partner_id"));
        Assert.Equal("EC-CLIMATE-V1", org.Str("product"));
        Assert.Equal("pro", org.Str("plan"));

        var orgs = await c.GetAsync($"{EcApi.Base}/orgs").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(org.Str("id"), Assert.Single(orgs.EnumerateArray()).Str("id"));
        // A partner manages its orgs like an org admin: keys, users, devices.
        var key = await Api.CreateApiKeyAsync(org.Str("id"), bearer: pu.Token);
        await Api.CreateUserAsync(org.Str("id"), "org_admin", bearer: pu.Token);
        await Api.RegisterDeviceAsync(org.Str("id"), bearer: key.Key);
        await c.PatchJsonAsync($"{EcApi.Base}/orgs/{org.Str("id")}", new { plan = "business" }).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CreateUser_OnlySuperAdmin_AndUnknownPartnerIs404()
    {
        var partner = await Api.CreatePartnerAsync();
        var pu = await Api.CreatePartnerUserAsync(partner.Id);
        using var c = Api.Client(pu.Token);
        await c.PostJsonAsync($"{Partners}/{partner.Id}/users", new { email = Unique.Email(), password = EcApi.DefaultPassword })
            .ExpectProblemAsync(HttpStatusCode.Forbidden);
        using var admin = await Api.AdminClientAsync();
        await admin.PostJsonAsync($"{Partners}/no-such-partner/users", new { email = Unique.Email(), password = EcApi.DefaultPassword })
            .ExpectProblemAsync(HttpStatusCode.NotFound);
        await admin.GetAsync($"{Partners}/no-such-partner/stats").ExpectProblemAsync(HttpStatusCode.NotFound);
        await admin.PostJsonAsync($"{Partners}/{partner.Id}/users", new { email = "bad", password = EcApi.DefaultPassword })
            .ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Stats_CountOrgsDevicesOnlineAndActive()
    {
        var partner = await Api.CreatePartnerAsync();
        var pu = await Api.CreatePartnerUserAsync(partner.Id);
        var a = await Api.CreateOrgAsync(partnerId: partner.Id);
        var b = await Api.CreateOrgAsync(partnerId: partner.Id);
        var elsewhere = await Api.CreateOrgAsync();
        var online = await Api.RegisterDeviceAsync(a.Id);
        var activeToday = await Api.RegisterDeviceAsync(a.Id);
        var stale = await Api.RegisterDeviceAsync(b.Id);
        await Api.RegisterDeviceAsync(b.Id); // never seen
        await Api.RegisterDeviceAsync(elsewhere.Id);
        var now = server.Clock.GetUtcNow();
        await Api.MarkSeenAsync(online.SerialNo, now - TimeSpan.FromMinutes(1));
        await Api.MarkSeenAsync(activeToday.SerialNo, now - TimeSpan.FromHours(3));
        await Api.MarkSeenAsync(stale.SerialNo, now - TimeSpan.FromDays(3));

        using var c = Api.Client(pu.Token);
        var s = await c.GetAsync($"{Partners}/{partner.Id}/stats").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, s.GetProperty("orgs").GetInt32());
        Assert.Equal(4, s.GetProperty("total_devices").GetInt64());
        Assert.Equal(1, s.GetProperty("online_devices").GetInt64());
        Assert.Equal(2, s.GetProperty("active_devices").GetInt64());

        var empty = await Api.CreatePartnerAsync();
        using var admin = await Api.AdminClientAsync();
        var zero = await admin.GetAsync($"{Partners}/{empty.Id}/stats").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, zero.GetProperty("orgs").GetInt32());
        Assert.Equal(0, zero.GetProperty("total_devices").GetInt64());
    }
}

public sealed class PartnersApiTests_Sqlite(EcServerFactory server) : PartnersApiTests<EcServerFactory>(server);

[Collection(PostgresCollection.Name)]
public sealed class PartnersApiTests_Postgres(PostgresServerFactory server) : PartnersApiTests<PostgresServerFactory>(server);
