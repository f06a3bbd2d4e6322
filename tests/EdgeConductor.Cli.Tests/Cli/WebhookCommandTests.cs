using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Cli.Tests.Sdk;

namespace EdgeConductor.Cli.Tests.Cli;

[Collection(ServerCollection.Name)]
public sealed class WebhookCommandTests(ServerFixture server) : IDisposable
{
    private readonly CliHarness _ec = new(server);

    public void Dispose() => _ec.Dispose();

    [Fact]
    public async Task SecretDeliveriesReplay_WithJson()
    {
        var org = await server.CreateOrgAsync();
        _ec.WithKey(org.ApiKey);

        var created = await _ec.RunAsync("webhook", "secret", org.Id, "--new", "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.StartsWith("whsec_", created.Json().GetProperty("secret").GetString());
        var info = await _ec.RunAsync("webhook", "secret", org.Id, "--json");
        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.True(info.Json().GetProperty("configured").GetBoolean());
        Assert.False(info.Json().TryGetProperty("secret", out _));

        using var sdk = server.Client(org.ApiKey);
        var id = await WebhooksClientTests.FailedDeliveryAsync(server, org.Id, sdk);
        var list = await _ec.RunAsync("webhook", "deliveries", org.Id, "--status", "failed", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(id, list.Json()[0].GetProperty("id").GetString());

        var replay = await _ec.RunAsync("webhook", "replay", id, "--json");
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Equal(id, replay.Json().GetProperty("replay_of").GetString());

        var missing = await _ec.RunAsync("webhook", "replay", Guid.NewGuid().ToString(), "--json");
        Assert.NotEqual(0, missing.ExitCode);
    }
}
