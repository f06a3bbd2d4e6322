using System.Net;
using System.Text;

namespace EdgeConductor.Server.Tests.Tenancy;

/// <summary>
/// Requests a device makes with its own credential (X-Device-Secret) are limited per device (EC_DEVICE_RATE_LIMIT), not
/// per IP: a fleet of GSM devices behind one carrier-NAT address must not starve itself. Wrong secrets spend the
/// anonymous per-IP budget. Its own server, as it uses up budgets.
/// </summary>
public sealed class DeviceRateLimitTests(DeviceRateLimitTests.Server server) : IClassFixture<DeviceRateLimitTests.Server>
{
    public sealed class Server() : EcServerFactory(new EcServerOptions { AnonymousRequestsPerMinute = 10, DeviceRequestsPerMinute = 15 });

    private static HttpRequestMessage Push(string serial, string secret)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, $"{EcApi.Base}/devices/{serial}/telemetry")
        {
            Content = new StringContent("{\"temp\":21.5}", Encoding.UTF8, "application/json"),
        };
        req.Headers.Add("X-Device-Secret", secret);
        return req;
    }

    [Fact]
    public async Task DevicesBehindOneAddress_EachHaveTheirOwnBudget_BeyondTheAnonymousPerIpLimit()
    {
        var org = await server.Api.CreateOrgAsync();
        var a = await server.Api.RegisterDeviceAsync(org.Id);
        var b = await server.Api.RegisterDeviceAsync(org.Id);
        using var http = server.CreateClient();

        // 15 each from the same address: more than the anonymous limit of 10, within each device's 15.
        for (var i = 0; i < 15; i++)
        {
            await http.SendAsync(Push(a.SerialNo, a.DeviceSecret!)).ExpectAsync(HttpStatusCode.OK);
            await http.SendAsync(Push(b.SerialNo, b.DeviceSecret!)).ExpectAsync(HttpStatusCode.OK);
        }

        var over = await http.SendAsync(Push(a.SerialNo, a.DeviceSecret!));
        await over.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.True(over.Headers.RetryAfter is not null || over.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task WrongDeviceSecrets_SpendTheAnonymousPerIpBudget()
    {
        var org = await server.Api.CreateOrgAsync();
        var d = await server.Api.RegisterDeviceAsync(org.Id);
        using var http = server.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++) statuses.Add((await http.SendAsync(Push(d.SerialNo, "ds_wrong"))).StatusCode);
        Assert.Contains(HttpStatusCode.Unauthorized, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }
}
