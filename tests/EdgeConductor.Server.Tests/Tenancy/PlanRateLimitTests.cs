namespace EdgeConductor.Server.Tests.Tenancy;

/// <summary>
/// Plan rate limits (starter 100, pro 1,000, business 10,000 requests/min, enterprise none), shared by every user and key
/// of an org. Its own server, so other classes' traffic never counts.
/// </summary>
public sealed class PlanRateLimitTests(PlanRateLimitTests.Server server) : IClassFixture<PlanRateLimitTests.Server>
{
    public sealed class Server() : EcServerFactory(new EcServerOptions());

    [Fact]
    public async Task StarterOrg_Request101InAMinute_Gets429WithRetryAfter_SharedByKeysAndUsers()
    {
        var org = await server.Api.CreateOrgAsync(plan: "starter");
        var key = await server.Api.CreateApiKeyAsync(org.Id);
        var user = await server.Api.CreateUserAsync(org.Id, "org_admin");
        var other = await server.Api.CreateOrgAsync(plan: "starter");
        var otherKey = await server.Api.CreateApiKeyAsync(other.Id);
        using var k = server.Api.Client(key.Key);
        using var u = server.Api.Client(user.Token);

        for (var i = 1; i <= 100; i++)
            await (i % 2 == 0 ? u : k).GetAsync($"{EcApi.Base}/devices").ExpectAsync(HttpStatusCode.OK);

        var r = await k.GetAsync($"{EcApi.Base}/devices");
        var p = await r.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.Contains("100", p.Str("detail"));
        var retryAfter = int.Parse(r.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        await u.GetAsync($"{EcApi.Base}/auth/me").ExpectProblemAsync(HttpStatusCode.TooManyRequests);

        // Another org has its own budget; the super admin (no org) is not limited by any org's plan.
        using var o = server.Api.Client(otherKey.Key);
        await o.GetAsync($"{EcApi.Base}/devices").ExpectAsync(HttpStatusCode.OK);
        using var admin = await server.Api.AdminClientAsync();
        await admin.GetAsync($"{EcApi.Base}/orgs/{org.Id}").ExpectAsync(HttpStatusCode.OK);
        // Health and metrics are outside the API and never limited.
        await k.GetAsync("/health").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task EnterpriseOrg_IsNotLimited()
    {
        var org = await server.Api.CreateOrgAsync(plan: "enterprise");
        var key = await server.Api.CreateApiKeyAsync(org.Id);
        using var k = server.Api.Client(key.Key);
        for (var i = 0; i < 150; i++)
            await k.GetAsync($"{EcApi.Base}/auth/me").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task PlanUpgrade_TakesEffect()
    {
        var org = await server.Api.CreateOrgAsync(plan: "starter");
        var key = await server.Api.CreateApiKeyAsync(org.Id);
        using var k = server.Api.Client(key.Key);
        for (var i = 0; i < 100; i++) await k.GetAsync($"{EcApi.Base}/auth/me").ExpectAsync(HttpStatusCode.OK);
        await k.GetAsync($"{EcApi.Base}/auth/me").ExpectProblemAsync(HttpStatusCode.TooManyRequests);

        using var admin = await server.Api.AdminClientAsync();
        await admin.PatchJsonAsync($"{EcApi.Base}/orgs/{org.Id}", new { plan = "pro" }).ExpectAsync(HttpStatusCode.OK);
        await k.GetAsync($"{EcApi.Base}/auth/me").ExpectAsync(HttpStatusCode.OK);
    }
}

/// <summary>Unauthenticated calls are limited per IP (EC_ANON_RATE_LIMIT); its own server, as it uses up the anonymous budget.</summary>
public sealed class AnonymousRateLimitTests(AnonymousRateLimitTests.Server server) : IClassFixture<AnonymousRateLimitTests.Server>
{
    public sealed class Server() : EcServerFactory(new EcServerOptions { AnonymousRequestsPerMinute = 20 });

    [Fact]
    public async Task Anonymous_LimitedPerIp()
    {
        using var anon = server.Api.Client(null);
        HttpResponseMessage? last = null;
        for (var i = 0; i < 25 && last?.StatusCode != HttpStatusCode.TooManyRequests; i++)
            last = await anon.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = "rt_nope" });
        Assert.NotNull(last);
        await last.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.True(last.Headers.Contains("Retry-After"));
    }
}

/// <summary>EC_ANON_RATE_LIMIT=0 (or less) means no limit for unauthenticated callers.</summary>
public sealed class AnonymousRateLimitDisabledTests(AnonymousRateLimitDisabledTests.Server server) : IClassFixture<AnonymousRateLimitDisabledTests.Server>
{
    public sealed class Server() : EcServerFactory(new EcServerOptions { AnonymousRequestsPerMinute = 0 });

    [Fact]
    public async Task ZeroMeansUnlimited_LoginStillWorks()
    {
        await server.Api.LoginAsync(server.Options.AdminEmail, server.Options.AdminPassword);
        using var anon = server.Api.Client(null);
        for (var i = 0; i < 30; i++)
            await anon.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = "rt_nope" }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }
}

/// <summary>EC_DEVICE_RATE_LIMIT=0 means no per-device limit, not a 500 for every device call.</summary>
public sealed class DeviceRateLimitDisabledTests(DeviceRateLimitDisabledTests.Server server) : IClassFixture<DeviceRateLimitDisabledTests.Server>
{
    public sealed class Server() : EcServerFactory(new EcServerOptions { Settings = new Dictionary<string, string?> { ["EC_DEVICE_RATE_LIMIT"] = "0" } });

    [Fact]
    public async Task ZeroMeansUnlimited_DeviceCanPush()
    {
        var org = await server.Api.CreateOrgAsync();
        var d = await server.Api.RegisterDeviceAsync(org.Id);
        using var c = server.Api.Client(null);
        for (var i = 0; i < 5; i++)
        {
            var push = new HttpRequestMessage(HttpMethod.Post, $"{EcApi.Base}/devices/{d.SerialNo}/telemetry")
            {
                Content = new StringContent("{\"temp\":1}", System.Text.Encoding.UTF8, "application/json"),
            };
            push.Headers.Add("X-Device-Secret", d.DeviceSecret);
            await (await c.SendAsync(push)).ExpectAsync(HttpStatusCode.OK);
        }
    }
}
