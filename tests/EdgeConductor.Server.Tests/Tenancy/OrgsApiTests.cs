namespace EdgeConductor.Server.Tests.Tenancy;

/// <summary>Orgs, white-label settings, users and rooms.</summary>
public sealed class OrgsApiTests(EcServerFactory server) : IClassFixture<EcServerFactory>
{
    private const string Orgs = EcApi.Base + "/orgs";
    private EcApi Api => server.Api;

    [Fact]
    public async Task Create_WithoutSlug_DerivesItFromTheName_DefaultsToStarter()
    {
        using var admin = await Api.AdminClientAsync();
        var name = Unique.Name("Acme Manufacturing");
        var r = await admin.PostJsonAsync(Orgs, new { name });
        var o = await r.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(name.ToLowerInvariant().Replace(' ', '-'), o.Str("slug"));
        Assert.Equal("starter", o.Str("plan"));
        Assert.Equal($"/api/v1/orgs/{o.Str("id")}", r.Headers.Location?.OriginalString);
        foreach (var f in new[] { "logo_url", "primary_color", "custom_domain", "partner_id", "product" })
            Assert.Equal(JsonValueKind.Null, o.GetProperty(f).ValueKind);
        Assert.Equal(7, o.GetProperty("telemetry_retention_days").GetInt32());
    }

    [Fact]
    public async Task Create_DuplicateSlug_Returns409()
    {
        using var admin = await Api.AdminClientAsync();
        var slug = Unique.Slug();
        await admin.PostJsonAsync(Orgs, new { name = "One", slug }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync(Orgs, new { name = "Two", slug }).ExpectProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Theory]
    [InlineData("{\"slug\": \"no-name\"}", "name")]
    [InlineData("{\"name\": \"X\", \"slug\": \"Not A Slug\"}", "slug")]
    [InlineData("{\"name\": \"X\", \"slug\": \"double--dash\"}", "slug")]
    [InlineData("{\"name\": \"X\", \"plan\": \"platinum\"}", "plan")]
    [InlineData("{\"name\": \"!!!\"}", "slug")]
    public async Task Create_BadInput_Returns400NamingTheField(string raw, string field)
    {
        using var admin = await Api.AdminClientAsync();
        var p = await admin.SendRawAsync(HttpMethod.Post, Orgs, raw).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty(field, out _), p.ToString());
    }

    [Fact]
    public async Task Create_UnknownPartner_Returns404()
    {
        using var admin = await Api.AdminClientAsync();
        await admin.PostJsonAsync(Orgs, new { name = Unique.Name(), partner_id = "no-such-partner" }).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("org_admin")]
    [InlineData("customer")]
    public async Task Create_ByOrgRole_Returns403(string role)
    {
        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, role);
        using var c = Api.Client(user.Token);
        await c.PostJsonAsync(Orgs, new { name = Unique.Name() }).ExpectProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task Create_ByApiKey_Returns403()
    {
        var org = await Api.CreateOrgAsync();
        var key = await Api.CreateApiKeyAsync(org.Id);
        using var c = Api.Client(key.Key);
        await c.PostJsonAsync(Orgs, new { name = Unique.Name() }).ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task List_Pages()
    {
        using var admin = await Api.AdminClientAsync();
        for (var i = 0; i < 3; i++) await Api.CreateOrgAsync();
        var all = await admin.GetAsync($"{Orgs}?limit=1000").ExpectAsync(HttpStatusCode.OK);
        var page = await admin.GetAsync($"{Orgs}?limit=2&offset=1").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(all.EnumerateArray().Skip(1).Take(2).Select(o => o.Str("id")), page.EnumerateArray().Select(o => o.Str("id")));
        await admin.GetAsync($"{Orgs}?limit=0").ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Get_UnknownOrg_Returns404()
    {
        using var admin = await Api.AdminClientAsync();
        await admin.GetAsync($"{Orgs}/no-such-org").ExpectProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Patch_WhiteLabelSettings_AreSavedAndShownByGet()
    {
        var org = await Api.CreateOrgAsync();
        var admin = await Api.CreateUserAsync(org.Id, "org_admin");
        using var c = Api.Client(admin.Token);
        var patched = await c.PatchJsonAsync($"{Orgs}/{org.Id}", new
        {
            logo_url = "https://cdn.example.com/acme.png", primary_color = "#1A2b3C", custom_domain = "iot.acme.example", name = "Acme Renamed",
        }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Acme Renamed", patched.Str("name"));

        var got = await c.GetAsync($"{Orgs}/{org.Id}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("https://cdn.example.com/acme.png", got.Str("logo_url"));
        Assert.Equal("#1A2b3C", got.Str("primary_color"));
        Assert.Equal("iot.acme.example", got.Str("custom_domain"));
        Assert.Equal(org.Slug, got.Str("slug"));

        // null clears a setting; absent members are left alone
        var cleared = await c.PatchJsonAsync($"{Orgs}/{org.Id}", new { logo_url = (string?)null }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("logo_url").ValueKind);
        Assert.Equal("#1A2b3C", cleared.Str("primary_color"));

        using var sa = await Api.AdminClientAsync();
        var audit = await sa.GetAsync($"{Orgs}/{org.Id}/audit?action=org_updated").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, audit.GetArrayLength());
    }

    [Theory]
    [InlineData("{\"primary_color\": \"red\"}", "primary_color")]
    [InlineData("{\"primary_color\": \"#12345\"}", "primary_color")]
    [InlineData("{\"logo_url\": \"ftp://x/y.png\"}", "logo_url")]
    [InlineData("{\"logo_url\": \"not a url\"}", "logo_url")]
    [InlineData("{\"slug\": \"new-slug\"}", "slug")]
    [InlineData("{\"name\": \"\"}", "name")]
    [InlineData("{\"name\": 5}", "name")]
    [InlineData("{\"telemetry_retention_days\": 0}", "telemetry_retention_days")]
    [InlineData("{\"telemetry_retention_days\": \"7\"}", "telemetry_retention_days")]
    [InlineData("{\"plan\": \"gold\"}", "plan")]
    public async Task Patch_BadField_Returns400NamingIt(string raw, string field)
    {
        var org = await Api.CreateOrgAsync();
        using var admin = await Api.AdminClientAsync();
        var p = await admin.SendRawAsync(HttpMethod.Patch, $"{Orgs}/{org.Id}", raw).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty(field, out _), p.ToString());
    }

    [Fact]
    public async Task Patch_Plan_OnlySuperAdminOrPartner()
    {
        var org = await Api.CreateOrgAsync(plan: "starter");
        var orgAdmin = await Api.CreateUserAsync(org.Id, "org_admin");
        using var c = Api.Client(orgAdmin.Token);
        await c.PatchJsonAsync($"{Orgs}/{org.Id}", new { plan = "enterprise" }).ExpectProblemAsync(HttpStatusCode.Forbidden);

        using var admin = await Api.AdminClientAsync();
        var o = await admin.PatchJsonAsync($"{Orgs}/{org.Id}", new { plan = "pro", telemetry_retention_days = 30 }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("pro", o.Str("plan"));
        Assert.Equal(30, o.GetProperty("telemetry_retention_days").GetInt32());
    }

    [Fact]
    public async Task Users_CreateAndList_EveryOrgRole()
    {
        var org = await Api.CreateOrgAsync();
        var room = await Api.CreateRoomAsync(org.Id);
        using var admin = await Api.AdminClientAsync();
        foreach (var (role, roomId) in new[] { ("org_admin", (string?)null), ("customer", null), ("tenant", room.Id) })
        {
            var email = Unique.Email();
            var r = await admin.PostJsonAsync($"{Orgs}/{org.Id}/users", new { email = email.ToUpperInvariant(), role, password = EcApi.DefaultPassword, room_id = roomId });
            var u = await r.ExpectAsync(HttpStatusCode.Created);
            Assert.Equal(email, u.Str("email")); // normalised
            Assert.Equal(role, u.Str("role"));
            Assert.Equal(org.Id, u.Str("org_id"));
            Assert.Equal(roomId, u.StrOrNull("room_id"));
            Assert.False(u.TryGetProperty("password", out _));
            Assert.False(u.TryGetProperty("password_hash", out _));
        }
        var list = await admin.GetAsync($"{Orgs}/{org.Id}/users").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, list.GetArrayLength());
        var audit = await admin.GetAsync($"{Orgs}/{org.Id}/audit?action=user_created").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, audit.GetArrayLength());
    }

    [Theory]
    [InlineData("{\"role\": \"customer\", \"password\": \"long-enough-1\"}", "email")]
    [InlineData("{\"email\": \"not-an-email\", \"role\": \"customer\", \"password\": \"long-enough-1\"}", "email")]
    [InlineData("{\"email\": \"a@b.test\", \"role\": \"super_admin\", \"password\": \"long-enough-1\"}", "role")]
    [InlineData("{\"email\": \"a@b.test\", \"role\": \"partner\", \"password\": \"long-enough-1\"}", "role")]
    [InlineData("{\"email\": \"a@b.test\", \"password\": \"long-enough-1\"}", "role")]
    [InlineData("{\"email\": \"a@b.test\", \"role\": \"customer\"}", "password")]
    [InlineData("{\"email\": \"a@b.test\", \"role\": \"customer\", \"password\": \"short\"}", "password")]
    [InlineData("{\"email\": \"a@b.test\", \"role\": \"tenant\", \"password\": \"long-enough-1\"}", "room_id")]
    [InlineData("{\"email\": \"a@b.test\", \"role\": \"tenant\", \"password\": \"long-enough-1\", \"room_id\": \"nope\"}", "room_id")]
    public async Task Users_BadInput_Returns400NamingTheField(string raw, string field)
    {
        var org = await Api.CreateOrgAsync();
        using var admin = await Api.AdminClientAsync();
        var p = await admin.SendRawAsync(HttpMethod.Post, $"{Orgs}/{org.Id}/users", raw).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty(field, out _), p.ToString());
    }

    [Fact]
    public async Task Users_DuplicateEmail_Returns409()
    {
        var org = await Api.CreateOrgAsync();
        var other = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "customer");
        using var admin = await Api.AdminClientAsync();
        await admin.PostJsonAsync($"{Orgs}/{other.Id}/users", new { email = user.Email, role = "customer", password = EcApi.DefaultPassword })
            .ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Users_OrgAdminCreatesUserInOwnOrg()
    {
        var org = await Api.CreateOrgAsync();
        var orgAdmin = await Api.CreateUserAsync(org.Id, "org_admin");
        var customer = await Api.CreateUserAsync(org.Id, "customer", bearer: orgAdmin.Token);
        Assert.Equal("customer", customer.Role);
    }

    [Fact]
    public async Task Rooms_CreateAndList()
    {
        var org = await Api.CreateOrgAsync();
        using var admin = await Api.AdminClientAsync();
        var r = await admin.PostJsonAsync($"{Orgs}/{org.Id}/rooms", new { name = "Server room", floor = "B1", building = "North" });
        var room = await r.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("Server room", room.Str("name"));
        Assert.Equal("B1", room.Str("floor"));
        Assert.Equal("North", room.Str("building"));
        Assert.Equal(org.Id, room.Str("org_id"));
        var list = await admin.GetAsync($"{Orgs}/{org.Id}/rooms").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(room.Str("id"), Assert.Single(list.EnumerateArray()).Str("id"));
        var p = await admin.PostJsonAsync($"{Orgs}/{org.Id}/rooms", new { floor = "1" }).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty("name", out _));
    }
}
