using EdgeConductor.Server.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Server.Tests.Security;

/// <summary>
/// Issue 8, hardening "login timing" and "lockout": an unknown or disabled e-mail costs one password-hash verification
/// like a known one; failed logins slow down one (account, source address) pair with growing delays instead of locking
/// the account for everyone; one address is still capped across accounts; throttled attempts are audited.
/// </summary>
public sealed class LoginSecurityTests(ClientIpServerFactory server) : IClassFixture<ClientIpServerFactory>
{
    private const string Login = EcApi.Base + "/auth/login";
    private EcApi Api => server.Api;

    private long Verifications => server.Services.GetRequiredService<UserStore>().PasswordVerifications;

    [Fact]
    public async Task UnknownEmail_RunsOnePasswordHashVerification_LikeAWrongPassword()
    {
        using var c = server.ClientFrom("198.51.100.1");
        var before = Verifications;
        await c.PostJsonAsync(Login, new { email = Unique.Email("nobody"), password = "whatever-password" }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(before + 1, Verifications);

        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "customer");
        before = Verifications;
        await c.PostJsonAsync(Login, new { email = user.Email, password = "wrong-password" }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(before + 1, Verifications);
    }

    [Fact]
    public async Task DisabledUser_RightPassword_AnsweredExactlyLikeAWrongPassword_AfterOneVerification()
    {
        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "customer");
        using (var admin = await Api.AdminClientAsync())
            await admin.PatchJsonAsync($"{EcApi.Base}/users/{user.Id}", new { disabled = true }).ExpectAsync(HttpStatusCode.OK);

        using var c = server.ClientFrom("198.51.100.2");
        var before = Verifications;
        var p = await c.PostJsonAsync(Login, new { email = user.Email, password = user.Password }).ExpectProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal("Invalid e-mail or password.", p.Str("detail"));
        Assert.Equal(before + 1, Verifications);
    }

    [Fact]
    public async Task StrangerFailingManyTimes_DoesNotLockTheOwnerOnAnotherAddress()
    {
        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "org_admin");
        using var stranger = server.ClientFrom("198.51.100.66");
        for (var i = 0; i < server.Options.MaxFailedLogins; i++)
            await stranger.PostJsonAsync(Login, new { email = user.Email, password = "guess-" + i }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        // The stranger is slowed down now, even with the right password...
        await stranger.PostJsonAsync(Login, new { email = user.Email, password = user.Password }).ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");

        // ...but the owner, from its own address, logs in at once.
        using var owner = server.ClientFrom("198.51.100.7");
        await owner.PostJsonAsync(Login, new { email = user.Email, password = user.Password }).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SuperAdmin_CannotBeLockedOutByAStranger()
    {
        using var stranger = server.ClientFrom("198.51.100.99");
        for (var i = 0; i < server.Options.MaxFailedLogins + 1; i++)
            await stranger.PostJsonAsync(Login, new { email = EcServerFactory.DefaultAdminEmail, password = "guess-" + i });
        using var owner = server.ClientFrom("198.51.100.100");
        await owner.PostJsonAsync(Login, new { email = EcServerFactory.DefaultAdminEmail, password = EcServerFactory.DefaultAdminPassword })
            .ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task FailuresFromOneAddress_WaitGrowsAsPowersOfTwo_AndThrottledAttemptsAreAudited()
    {
        var org = await Api.CreateOrgAsync();
        var user = await Api.CreateUserAsync(org.Id, "customer");
        using var c = server.ClientFrom("198.51.100.50");
        for (var i = 0; i < server.Options.MaxFailedLogins; i++)
            await c.PostJsonAsync(Login, new { email = user.Email, password = "wrong-" + i }).ExpectProblemAsync(HttpStatusCode.Unauthorized);

        foreach (var expected in new[] { 2, 4, 8, 16 })
        {
            var r = await c.PostJsonAsync(Login, new { email = user.Email, password = "wrong-again" });
            await r.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
            Assert.Equal(expected, int.Parse(r.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture));
            server.Clock.Advance(TimeSpan.FromSeconds(expected));
            await c.PostJsonAsync(Login, new { email = user.Email, password = "wrong-again" }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        }

        using var admin = await Api.AdminClientAsync();
        var audit = await admin.GetAsync($"{EcApi.Base}/orgs/{org.Id}/audit?action=login_throttled").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, audit.GetArrayLength());
        var e = audit[0];
        Assert.Equal("anonymous", e.Str("actor_type"));
        Assert.Equal(user.Id, e.Str("target_id"));
        Assert.Equal("198.51.100.50", e.Str("ip"));
        Assert.Equal(user.Email, e.GetProperty("details").Str("email"));

        // After the wait, the right password works from that address too, and success clears the pair's count.
        server.Clock.Advance(TimeSpan.FromSeconds(32));
        await c.PostJsonAsync(Login, new { email = user.Email, password = user.Password }).ExpectAsync(HttpStatusCode.OK);
        await c.PostJsonAsync(Login, new { email = user.Email, password = "wrong-once-more" }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task OneAddress_FailingAcrossManyAccounts_IsRefusedForEveryAccount()
    {
        using var c = server.ClientFrom("198.51.100.200");
        for (var i = 0; i < server.Options.MaxFailedLogins * 4; i++)
            await c.PostJsonAsync(Login, new { email = Unique.Email("stuffing"), password = "leaked-password" }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        var r = await c.PostJsonAsync(Login, new { email = EcServerFactory.DefaultAdminEmail, password = EcServerFactory.DefaultAdminPassword });
        await r.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }
}
