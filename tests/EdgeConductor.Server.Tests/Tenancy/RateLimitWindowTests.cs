using System.Text;
using EdgeConductor.Server.Tests.Security;

namespace EdgeConductor.Server.Tests.Tenancy;

/// <summary>
/// The one-minute rate-limit windows (plan, anonymous per IP, per device) run on the server's <see cref="TimeProvider"/>:
/// a used-up window says how long to wait, stays closed until then and opens again once the (fake) clock has moved past
/// it. A server per test, as each uses up its budgets and moves the clock.
/// </summary>
public sealed class RateLimitWindowTests : IAsyncLifetime
{
    private const int Limit = 3;
    private ClientIpServerFactory _server = null!;

    public async Task InitializeAsync() =>
        _server = await ClientIpServerFactory.StartAsync(new EcServerOptions { AnonymousRequestsPerMinute = Limit, DeviceRequestsPerMinute = Limit });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static int RetryAfterSeconds(HttpResponseMessage r) =>
        int.Parse(r.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task PlanLimit_UsedUp_ClosedUntilTheWindowEnds_ThenOpenAgain()
    {
        var org = await _server.Api.CreateOrgAsync(plan: "starter");
        var key = await _server.Api.CreateApiKeyAsync(org.Id);
        using var k = _server.Api.Client(key.Key);
        for (var i = 0; i < 100; i++) await k.GetAsync($"{EcApi.Base}/auth/me").ExpectAsync(HttpStatusCode.OK);

        var over = await k.GetAsync($"{EcApi.Base}/auth/me");
        await over.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.Equal(60, RetryAfterSeconds(over)); // the clock has not moved since the window opened

        _server.Clock.Advance(TimeSpan.FromSeconds(59));
        var stillOver = await k.GetAsync($"{EcApi.Base}/auth/me");
        await stillOver.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.Equal(1, RetryAfterSeconds(stillOver));

        _server.Clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 100; i++) await k.GetAsync($"{EcApi.Base}/auth/me").ExpectAsync(HttpStatusCode.OK);
        await k.GetAsync($"{EcApi.Base}/auth/me").ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }

    [Fact]
    public async Task AnonymousLimit_UsedUp_OpensAgainAfterRetryAfter()
    {
        using var c = _server.ClientFrom("198.51.100.40");
        for (var i = 0; i < Limit; i++)
            await c.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = "rt_nope" + i }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        var over = await c.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = "rt_over" });
        await over.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        var wait = RetryAfterSeconds(over);
        Assert.Equal(60, wait);

        _server.Clock.Advance(TimeSpan.FromSeconds(wait));
        await c.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = "rt_again" }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task DeviceLimit_UsedUp_OpensAgainAfterTheWindow()
    {
        var org = await _server.Api.CreateOrgAsync();
        var d = await _server.Api.RegisterDeviceAsync(org.Id);
        using var http = _server.ClientFrom("198.51.100.41");
        HttpRequestMessage Push()
        {
            var req = new HttpRequestMessage(HttpMethod.Post, $"{EcApi.Base}/devices/{d.SerialNo}/telemetry")
            {
                Content = new StringContent("{\"temp\":21.5}", Encoding.UTF8, "application/json"),
            };
            req.Headers.Add("X-Device-Secret", d.DeviceSecret);
            return req;
        }

        for (var i = 0; i < Limit; i++) await http.SendAsync(Push()).ExpectAsync(HttpStatusCode.OK);
        var over = await http.SendAsync(Push());
        await over.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.Equal(60, RetryAfterSeconds(over));

        _server.Clock.Advance(TimeSpan.FromSeconds(30));
        await http.SendAsync(Push()).ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        _server.Clock.Advance(TimeSpan.FromSeconds(30));
        await http.SendAsync(Push()).ExpectAsync(HttpStatusCode.OK);
    }
}
