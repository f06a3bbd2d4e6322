namespace EdgeConductor.Server.Tests.Observability;

public sealed class HealthApiTests(EcServerFactory server) : IClassFixture<EcServerFactory>
{
    [Fact]
    public async Task Health_Anonymous_ReturnsOk()
    {
        using var c = server.CreateClient(bearer: null);
        var body = await c.GetAsync("/health").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("ok", body.Str("status"));
    }

    [Fact]
    public async Task Ready_DatabaseReachable_ReturnsReadyWithEngine()
    {
        using var c = server.CreateClient(bearer: null);
        var body = await c.GetAsync("/ready").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("ready", body.Str("status"));
        Assert.Equal("sqlite", body.Str("database"));
    }
}
