namespace EdgeConductor.Server.Tests.Security;

/// <summary>
/// Issue 8, hardening "rate limits": the X-Device-Secret header exempts a request from the anonymous per-IP limit only on
/// the routes that verify it (device telemetry push and command poll), never elsewhere.
/// </summary>
public sealed class AnonymousRateLimitTests : IAsyncLifetime
{
    private const int AnonLimit = 5;
    private ClientIpServerFactory _server = null!;

    public async Task InitializeAsync() =>
        _server = await ClientIpServerFactory.StartAsync(new EcServerOptions { AnonymousRequestsPerMinute = AnonLimit });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Refresh_WithAnyDeviceSecretHeader_StillSpendsTheAnonymousPerIpLimit()
    {
        using var c = _server.ClientFrom("203.0.113.10");
        c.DefaultRequestHeaders.Add("X-Device-Secret", "anything");
        for (var i = 0; i < AnonLimit; i++)
            await c.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = "rt_guess" + i }).ExpectProblemAsync(HttpStatusCode.Unauthorized);

        var r = await c.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = "rt_guess-over" });
        await r.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.True(r.Headers.Contains("Retry-After"));

        // Another address still has its own budget.
        using var other = _server.ClientFrom("203.0.113.11");
        await other.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = "rt_x" }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_WithDeviceSecretHeader_IsLimitedPerIp()
    {
        using var c = _server.ClientFrom("203.0.113.20");
        c.DefaultRequestHeaders.Add("X-Device-Secret", "x");
        for (var i = 0; i < AnonLimit; i++)
            await c.PostJsonAsync($"{EcApi.Base}/auth/login", new { email = Unique.Email(), password = "p" }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await c.PostJsonAsync($"{EcApi.Base}/auth/login", new { email = Unique.Email(), password = "p" })
            .ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }

    [Fact]
    public async Task DeviceTelemetryPush_WithItsRealSecret_IsNotChargedToTheAnonymousIpLimit()
    {
        var org = await _server.Api.CreateOrgAsync();
        var device = await _server.Api.RegisterDeviceAsync(org.Id);
        using var c = _server.ClientFrom("203.0.113.30");
        c.DefaultRequestHeaders.Add("X-Device-Secret", device.DeviceSecret);
        for (var i = 0; i < AnonLimit * 3; i++)
        {
            var r = await c.PostJsonAsync($"{EcApi.Base}/devices/{device.SerialNo}/telemetry", new { temperature = 20 + i });
            Assert.True(r.IsSuccessStatusCode, $"push {i}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        }
        using var poll = _server.ClientFrom("203.0.113.30");
        poll.DefaultRequestHeaders.Add("X-Device-Secret", device.DeviceSecret);
        await poll.GetAsync($"{EcApi.Base}/devices/{device.SerialNo}/commands").ExpectAsync(HttpStatusCode.OK);
    }
}
