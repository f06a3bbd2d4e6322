using EdgeConductor.Server.Webhooks;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeConductor.Platform.Tests.Webhooks;

/// <summary>The outbox is durable: a delivery waiting for its retry when the server stops is delivered after a restart.</summary>
public sealed class WebhookRestartTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "ec-webhook-restart-" + Guid.NewGuid().ToString("N")[..12]);
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private EcServer Start() => new EcServer(dataDir: _dataDir, services: s =>
    {
        s.RemoveAll<WebhookOptions>();
        s.AddSingleton(WebhookTestServer.Options());
    }).Start();

    [Fact]
    public async Task APendingRetry_SurvivesARestart()
    {
        Directory.CreateDirectory(_dataDir);
        var fail = true;
        _receiver.On("/restart", (_, _) => Task.FromResult(Volatile.Read(ref fail)
            ? Microsoft.AspNetCore.Http.Results.StatusCode(503) : Microsoft.AspNetCore.Http.Results.Ok()));
        string id;
        TestOrg org;
        await using (var first = Start())
        {
            org = await TestOrg.CreateAsync(first);
            id = await first.EnqueueAsync(org.Id, _receiver.Url("/restart"));
            var d = await org.DeliveryAsync(id, x => x.Attempts() == 1);
            Assert.True(d.Is("pending"), d.ToJsonString());
        }

        Volatile.Write(ref fail, false);
        await using var second = Start();
        second.Clock.Advance(TimeSpan.FromSeconds(6));  // past the first backoff (at most 5 s)
        using var http = second.Http(org.ApiKey);
        var done = await Eventually.ValueAsync(() => http.GetJsonAsync($"webhook-deliveries/{id}"), x => x.Is("succeeded"), TimeSpan.FromSeconds(15));
        Assert.True(done.Is("succeeded"), done.ToJsonString());
        Assert.Equal(2, done.Attempts());
        Assert.Equal(2, _receiver.Count("/restart"));
    }
}
