namespace EdgeConductor.Server.Tests.Auth;

/// <summary>Login, tokens, refresh rotation, logout, /auth/me and API keys; runs on SQLite and on PostgreSQL.</summary>
public abstract class AuthApiTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : EcServerFactory
{
    private const string AuthBase = EcApi.Base + "/auth";
    protected TServer Server { get; } = server;
    private EcApi Api => Server.Api;

    [Fact]
    public async Task Login_BootstrapAdmin_ReturnsTokensAndUser()
    {
        using var c = Api.Client(null);
        var r = await c.PostJsonAsync($"{AuthBase}/login", new { email = EcServerFactory.DefaultAdminEmail, password = EcServerFactory.DefaultAdminPassword })
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(3, r.Str("access_token").Split('.').Length); // a JWT
        Assert.StartsWith("rt_", r.Str("refresh_token"));
        Assert.Equal("Bearer", r.Str("token_type"));
        Assert.Equal(900, r.GetProperty("expires_in").GetInt32());
        var user = r.GetProperty("user");
        Assert.Equal("super_admin", user.Str("role"));
        Assert.Equal(EcServerFactory.DefaultAdminEmail, user.Str("email"));
        Assert.False(user.TryGetProperty("password_hash", out _));
    }

    [Fact]
    public async Task Login_EmailIsCaseInsensitive()
    {
        var s = await Api.LoginAsync(EcServerFactory.DefaultAdminEmail.ToUpperInvariant(), EcServerFactory.DefaultAdminPassword);
        Assert.Equal("super_admin", s.Role);
    }

    [Theory]
    [InlineData(EcServerFactory.DefaultAdminEmail, "wrong-password")]
    [InlineData("nobody@example.test", "whatever-password")]
    public async Task Login_BadCredentials_Returns401WithoutSayingWhich(string email, string password)
    {
        using var c = Api.Client(null);
        var p = await c.PostJsonAsync($"{AuthBase}/login", new { email, password }).ExpectProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal("Invalid e-mail or password.", p.Str("detail"));
    }

    [Theory]
    [InlineData("{\"password\": \"x\"}", "email")]
    [InlineData("{\"email\": \"a@b.c\"}", "password")]
    [InlineData("{\"email\": \"\", \"password\": \"x\"}", "email")]
    public async Task Login_MissingField_Returns400NamingIt(string raw, string field)
    {
        using var c = Api.Client(null);
        var p = await c.SendRawAsync(HttpMethod.Post, $"{AuthBase}/login", raw).ExpectProblemAsync(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.True(p.GetProperty("errors").TryGetProperty(field, out _), p.ToString());
    }

    [Theory]
    [InlineData("{\"email\": ")]
    [InlineData("")]
    [InlineData("{\"email\": 5, \"password\": true}")]
    public async Task Login_MalformedBody_Returns400(string raw)
    {
        using var c = Api.Client(null);
        await c.SendRawAsync(HttpMethod.Post, $"{AuthBase}/login", raw).ExpectProblemAsync(HttpStatusCode.BadRequest, "BAD_REQUEST");
    }

    [Fact]
    public async Task Me_WithAccessToken_DescribesTheUser()
    {
        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "customer");
        using var c = Api.Client(user.Token);
        var me = await c.GetAsync($"{AuthBase}/me").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("user", me.Str("kind"));
        Assert.Equal(user.Id, me.Str("id"));
        Assert.Equal("customer", me.Str("role"));
        Assert.Equal(user.Email, me.Str("email"));
        Assert.Equal(org.Id, me.Str("org_id"));
        Assert.Equal(org.Name, me.Str("org_name"));
    }

    [Fact]
    public async Task Me_WithApiKey_ActsAsOrgAdminOfTheKeysOrg()
    {
        var org = await Api.CreateOrgAsync();
        var key = await Api.CreateApiKeyAsync(org.Id, "ci key");
        using var c = Api.Client(key.Key);
        var me = await c.GetAsync($"{AuthBase}/me").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("api_key", me.Str("kind"));
        Assert.Equal(key.Id, me.Str("id"));
        Assert.Equal("org_admin", me.Str("role"));
        Assert.Equal(org.Id, me.Str("org_id"));
        Assert.Equal("ci key", me.Str("name"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-token")]
    [InlineData("Bearer ec_live_forged0000000000000000000000000000000000")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZSI6InN1cGVyX2FkbWluIn0.c2lnbmF0dXJl")]
    public async Task Me_WithoutValidCredential_Returns401Problem(string? authorization)
    {
        using var c = Api.Client(null);
        var req = new HttpRequestMessage(HttpMethod.Get, $"{AuthBase}/me");
        if (authorization is not null) req.Headers.TryAddWithoutValidation("Authorization", authorization);
        var r = await c.SendAsync(req);
        await r.ExpectProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal("Bearer", r.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Me_WithForgedRoleInTokenSignedWithAnotherKey_Returns401()
    {
        var s = await Api.LoginAsync(EcServerFactory.DefaultAdminEmail, EcServerFactory.DefaultAdminPassword);
        var parts = s.AccessToken.Split('.');
        var tampered = parts[0] + "." + parts[1] + "." + new string('A', parts[2].Length);
        using var c = Api.Client(tampered);
        await c.GetAsync($"{AuthBase}/me").ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AccessToken_ExpiresAfter15Minutes_RefreshTokenStillWorks()
    {
        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "org_admin");
        using (var c = Api.Client(user.Token))
            await c.GetAsync($"{AuthBase}/me").ExpectAsync(HttpStatusCode.OK);

        Server.Clock.Advance(TimeSpan.FromMinutes(14));
        using (var c = Api.Client(user.Token))
            await c.GetAsync($"{AuthBase}/me").ExpectAsync(HttpStatusCode.OK);

        Server.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using (var c = Api.Client(user.Token))
        {
            var p = await c.GetAsync($"{AuthBase}/me").ExpectProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Contains("expired", p.Str("detail"));
        }

        using var anon = Api.Client(null);
        var fresh = await anon.PostJsonAsync($"{AuthBase}/refresh", new { refresh_token = user.Session.RefreshToken }).ExpectAsync(HttpStatusCode.OK);
        using var c2 = Api.Client(fresh.Str("access_token"));
        await c2.GetAsync($"{AuthBase}/me").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Refresh_RotatesTokens_AndReusingARotatedTokenRevokesTheWholeFamily()
    {
        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "org_admin");
        using var anon = Api.Client(null);

        var r1 = await anon.PostJsonAsync($"{AuthBase}/refresh", new { refresh_token = user.Session.RefreshToken }).ExpectAsync(HttpStatusCode.OK);
        var rt2 = r1.Str("refresh_token");
        Assert.NotEqual(user.Session.RefreshToken, rt2);
        Assert.Equal(user.Id, r1.GetProperty("user").Str("id"));
        var r2 = await anon.PostJsonAsync($"{AuthBase}/refresh", new { refresh_token = rt2 }).ExpectAsync(HttpStatusCode.OK);
        var rt3 = r2.Str("refresh_token");

        // rt2 was already used: presenting it again means it leaked.
        var p = await anon.PostJsonAsync($"{AuthBase}/refresh", new { refresh_token = rt2 }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", p.Str("detail"));
        // ... so the newest token of that login is dead too.
        await anon.PostJsonAsync($"{AuthBase}/refresh", new { refresh_token = rt3 }).ExpectProblemAsync(HttpStatusCode.Unauthorized);

        // Another login of the same user is a different family and keeps working.
        var other = await Api.LoginAsync(user.Email, user.Password);
        await anon.PostJsonAsync($"{AuthBase}/refresh", new { refresh_token = other.RefreshToken }).ExpectAsync(HttpStatusCode.OK);

        // The reuse is audited in the user's org.
        using var admin = await Api.AdminClientAsync();
        var audit = await admin.GetAsync($"{EcApi.Base}/orgs/{org.Id}/audit?action=refresh_token_reused").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(user.Id, Assert.Single(audit.EnumerateArray()).Str("target_id"));
    }

    [Theory]
    [InlineData("rt_unknown-token")]
    [InlineData("garbage")]
    public async Task Refresh_UnknownToken_Returns401(string token)
    {
        using var anon = Api.Client(null);
        await anon.PostJsonAsync($"{AuthBase}/refresh", new { refresh_token = token }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_MissingToken_Returns400()
    {
        using var anon = Api.Client(null);
        var p = await anon.PostJsonAsync($"{AuthBase}/refresh", new { }).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task Refresh_AfterThirtyDays_Returns401()
    {
        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "customer");
        Server.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));
        using var anon = Api.Client(null);
        await anon.PostJsonAsync($"{AuthBase}/refresh", new { refresh_token = user.Session.RefreshToken }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_RevokesTheRefreshToken()
    {
        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "customer");
        using var c = Api.Client(user.Token);

        var r = await c.PostJsonAsync($"{AuthBase}/logout", new { refresh_token = user.Session.RefreshToken });
        Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);

        using var anon = Api.Client(null);
        await anon.PostJsonAsync($"{AuthBase}/refresh", new { refresh_token = user.Session.RefreshToken }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_SomeoneElsesToken_Returns404AndLeavesItAlone()
    {
        var org = await Api.CreateOrgAsync();
        var a = await Api.CreateUserAsync(org.Id, "customer");
        var b = await Api.CreateUserAsync(org.Id, "customer");
        using var c = Api.Client(a.Token);
        await c.PostJsonAsync($"{AuthBase}/logout", new { refresh_token = b.Session.RefreshToken }).ExpectProblemAsync(HttpStatusCode.NotFound);
        using var anon = Api.Client(null);
        await anon.PostJsonAsync($"{AuthBase}/refresh", new { refresh_token = b.Session.RefreshToken }).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Logout_Unauthenticated_Returns401_WithApiKey_Returns400()
    {
        using var anon = Api.Client(null);
        await anon.PostJsonAsync($"{AuthBase}/logout", new { refresh_token = "rt_x" }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        var org = await Api.CreateOrgAsync();
        var key = await Api.CreateApiKeyAsync(org.Id);
        using var k = Api.Client(key.Key);
        await k.PostJsonAsync($"{AuthBase}/logout", new { refresh_token = "rt_x" }).ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task FailedLogins_AreThrottledWith429AndRetryAfter_AndAudited()
    {
        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "customer");
        using var anon = Api.Client(null);
        for (var i = 0; i < Server.Options.MaxFailedLogins; i++)
            await anon.PostJsonAsync($"{AuthBase}/login", new { email = user.Email, password = "wrong-" + i }).ExpectProblemAsync(HttpStatusCode.Unauthorized);

        // Past the limit even the right password is refused for a while.
        var r = await anon.PostJsonAsync($"{AuthBase}/login", new { email = user.Email, password = user.Password });
        await r.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        var retryAfter = int.Parse(r.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 15 * 60);

        using var admin = await Api.AdminClientAsync();
        var audit = await admin.GetAsync($"{EcApi.Base}/orgs/{org.Id}/audit?action=login_failed").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(Server.Options.MaxFailedLogins, audit.GetArrayLength());
        var e = audit[0];
        Assert.Equal("anonymous", e.Str("actor_type"));
        Assert.Equal(user.Id, e.Str("target_id"));
        Assert.Equal(user.Email, e.GetProperty("details").Str("email"));

        // Once the window has passed, the right password works again.
        Server.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        await Api.LoginAsync(user.Email, user.Password);
    }

    [Fact]
    public async Task Passwords_AreStoredHashed()
    {
        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "customer");
        await using var conn = await Server.Database.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT password_hash FROM users WHERE id = '{user.Id}'";
        var hash = (string?)await cmd.ExecuteScalarAsync();
        Assert.NotNull(hash);
        Assert.DoesNotContain(user.Password, hash);
        Assert.StartsWith("AQAAAA", hash); // ASP.NET Core Identity v3 format (PBKDF2)
    }

    // ---- API keys ----

    [Fact]
    public async Task ApiKey_Create_ShowsRawKeyOnce_ListShowsOnlyPrefix()
    {
        var org = await Api.CreateOrgAsync();
        using var admin = await Api.AdminClientAsync();
        var r = await admin.PostJsonAsync($"{EcApi.Base}/orgs/{org.Id}/api-keys", new { name = "Factory line 3" });
        var k = await r.ExpectAsync(HttpStatusCode.Created);
        var raw = k.Str("key");
        Assert.StartsWith("ec_live_", raw);
        Assert.True(raw.Length >= 40);
        Assert.Equal(raw[..12], k.Str("prefix"));
        Assert.Equal("Factory line 3", k.Str("name"));
        Assert.EndsWith("Z", k.Str("created_at"));

        var list = await admin.GetAsync($"{EcApi.Base}/orgs/{org.Id}/api-keys").ExpectAsync(HttpStatusCode.OK);
        var item = Assert.Single(list.EnumerateArray());
        Assert.Equal(k.Str("id"), item.Str("id"));
        Assert.False(item.TryGetProperty("key", out _));
        Assert.DoesNotContain(raw, list.ToString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("revoked_at").ValueKind);

        await using var conn = await Server.Database.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT key_hash FROM api_keys WHERE id = '{k.Str("id")}'";
        Assert.DoesNotContain(raw, (string?)await cmd.ExecuteScalarAsync() ?? raw);
    }

    [Fact]
    public async Task ApiKey_MissingName_Returns400()
    {
        var org = await Api.CreateOrgAsync();
        using var admin = await Api.AdminClientAsync();
        var p = await admin.PostJsonAsync($"{EcApi.Base}/orgs/{org.Id}/api-keys", new { }).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task ApiKey_Revoked_Gets401AtOnce_AndRevokingTwiceIs409()
    {
        var org = await Api.CreateOrgAsync();
        var key = await Api.CreateApiKeyAsync(org.Id);
        using var k = Api.Client(key.Key);
        await k.GetAsync($"{EcApi.Base}/devices").ExpectAsync(HttpStatusCode.OK);

        using var admin = await Api.AdminClientAsync();
        var revoked = await admin.DeleteAsync($"{EcApi.Base}/api-keys/{key.Id}").ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual(JsonValueKind.Null, revoked.GetProperty("revoked_at").ValueKind);

        var p = await k.GetAsync($"{EcApi.Base}/devices").ExpectProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", p.Str("detail"));
        await admin.DeleteAsync($"{EcApi.Base}/api-keys/{key.Id}").ExpectProblemAsync(HttpStatusCode.Conflict);
        await admin.DeleteAsync($"{EcApi.Base}/api-keys/no-such-key").ExpectProblemAsync(HttpStatusCode.NotFound);

        var audit = await admin.GetAsync($"{EcApi.Base}/orgs/{org.Id}/audit").ExpectAsync(HttpStatusCode.OK);
        var actions = audit.EnumerateArray().Select(e => e.Str("action")).ToList();
        Assert.Contains("api_key_created", actions);
        Assert.Contains("api_key_revoked", actions);
    }

    [Fact]
    public async Task ApiKey_CanRevokeItself()
    {
        var org = await Api.CreateOrgAsync();
        var key = await Api.CreateApiKeyAsync(org.Id);
        using var k = Api.Client(key.Key);
        await k.DeleteAsync($"{EcApi.Base}/api-keys/{key.Id}").ExpectAsync(HttpStatusCode.OK);
        await k.GetAsync($"{AuthBase}/me").ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }
}

public sealed class AuthApiTests_Sqlite(EcServerFactory server) : AuthApiTests<EcServerFactory>(server);

[Collection(PostgresCollection.Name)]
public sealed class AuthApiTests_Postgres(PostgresServerFactory server) : AuthApiTests<PostgresServerFactory>(server);
