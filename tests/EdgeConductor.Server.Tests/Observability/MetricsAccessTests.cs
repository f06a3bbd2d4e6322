using System.Net;
using System.Text;
using EdgeConductor.Server.Observability;

namespace EdgeConductor.Server.Tests.Observability;

/// <summary>
/// GET /metrics names every tenant's MQTT client ids, so it answers only this machine, or a caller with
/// EC_METRICS_TOKEN (<see cref="MetricsAccess"/>).
/// </summary>
public sealed class MetricsAccessTests
{
    private static readonly byte[] Token = Encoding.UTF8.GetBytes("scrape-token-0123456789");

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.2", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.1.2.3", false)]
    [InlineData("192.168.1.20", false)]
    [InlineData("2001:db8::5", false)]
    public void WithoutToken_OnlyThisMachine(string address, bool allowed)
    {
        var failure = MetricsAccess.Decide(IPAddress.Parse(address), null, null);
        Assert.Equal(allowed, failure is null);
        if (failure is not null) Assert.Equal(403, failure.Status);
    }

    [Fact]
    public void WithoutToken_NoNetworkPeer_IsLocal() => Assert.Null(MetricsAccess.Decide(null, null, null));

    [Theory]
    [InlineData("Bearer scrape-token-0123456789", true)]
    [InlineData("bearer scrape-token-0123456789", true)]
    [InlineData("Bearer scrape-token-012345678", false)]
    [InlineData("Bearer ", false)]
    [InlineData("Basic c2NyYXBl", false)]
    [InlineData(null, false)]
    public void WithToken_OnlyTheBearer_FromAnywhereIncludingLoopback(string? authorization, bool allowed)
    {
        foreach (var address in new[] { "127.0.0.1", "10.1.2.3" })
        {
            var failure = MetricsAccess.Decide(IPAddress.Parse(address), authorization, Token);
            Assert.Equal(allowed, failure is null);
            if (failure is not null) Assert.Equal(401, failure.Status);
        }
    }

    [Fact]
    public async Task Server_WithToken_Answers401ProblemWithoutIt_AndTheMetricsWithIt()
    {
        await using var server = await EcServerFactory.StartAsync(new EcServerOptions
        {
            Settings = new Dictionary<string, string?> { ["EC_METRICS_TOKEN"] = "scrape-token-0123456789" },
        });
        using var anonymous = server.Api.Client(null);
        var refused = await anonymous.GetAsync("/metrics");
        await refused.ExpectProblemAsync(HttpStatusCode.Unauthorized);

        using var scraper = server.Api.Client("scrape-token-0123456789");
        var scraped = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("# TYPE", await scraped.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Server_ShortToken_StopsTheStartup()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var server = await EcServerFactory.StartAsync(new EcServerOptions
            {
                Settings = new Dictionary<string, string?> { ["EC_METRICS_TOKEN"] = "short" },
            });
        });
        Assert.Contains("EC_METRICS_TOKEN must be at least 16 characters", error.ToString());
    }
}
