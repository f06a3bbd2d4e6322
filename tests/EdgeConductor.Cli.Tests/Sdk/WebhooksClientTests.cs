using System.Text.Json.Nodes;
using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Sdk;
using EdgeConductor.Server.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Cli.Tests.Sdk;

[Collection(ServerCollection.Name)]
public sealed class WebhooksClientTests(ServerFixture server)
{
    /// <summary>A delivery to a loopback URL: refused at once by SSRF protection (the test server keeps the default), so it ends failed.</summary>
    internal static async Task<string> FailedDeliveryAsync(ServerFixture server, string orgId, EdgeConductorClient ec)
    {
        var id = await server.Services.GetRequiredService<IWebhookOutbox>().EnqueueAsync(new WebhookMessage(orgId, "http://127.0.0.1:9/hook", null,
            "rule_fired", new JsonObject { ["event"] = "rule_fired" }, null), CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await ec.Webhooks.GetDeliveryAsync(id)).Status != "failed" && DateTime.UtcNow < deadline) await Task.Delay(50);
        return id;
    }

    [Fact]
    public async Task SecretDeliveriesAndReplay()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);

        Assert.False((await ec.Webhooks.GetSecretInfoAsync(org.Id)).Configured);
        var first = await ec.Webhooks.CreateOrRotateSecretAsync(org.Id);
        var second = await ec.Webhooks.CreateOrRotateSecretAsync(org.Id, graceSeconds: 60);
        var info = await ec.Webhooks.GetSecretInfoAsync(org.Id);
        Assert.StartsWith("whsec_", first.Secret);
        Assert.False(first.Rotated);
        Assert.True(second.Rotated);
        Assert.NotEqual(first.Secret, second.Secret);
        Assert.Equal(second.Fingerprint, info.Fingerprint);
        Assert.NotNull(info.PreviousExpiresAt);

        var id = await FailedDeliveryAsync(server, org.Id, ec);
        var d = await ec.Webhooks.GetDeliveryAsync(id);
        Assert.Equal("failed", d.Status);
        Assert.StartsWith("refused:", d.LastError);
        Assert.Equal("rule_fired", d.Payload.GetProperty("event").GetString());
        Assert.Equal([id], (await ec.Webhooks.ListDeliveriesAsync(org.Id, status: "failed")).Select(x => x.Id));
        Assert.Empty(await ec.Webhooks.ListDeliveriesAsync(org.Id, status: "succeeded"));
        var replay = await ec.Webhooks.ReplayAsync(id);
        Assert.Equal(id, replay.ReplayOf);
        Assert.Equal(d.WebhookId, replay.WebhookId);
        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() => ec.Webhooks.ListDeliveriesAsync(org.Id, status: "lost"));
        Assert.Equal(400, ex.Status);
    }
}
