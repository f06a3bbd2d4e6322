using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Webhooks;

/// <summary>
/// The outbox on PostgreSQL: two server instances on one database share the deliveries (claimed with FOR UPDATE SKIP
/// LOCKED) and send each exactly once; signing, 410 and the breaker's upserts work on that engine too.
/// </summary>
public sealed class WebhookPostgresTests : IAsyncLifetime
{
    private string _database = "";
    private EcServer _a = null!;
    private EcServer _b = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _database = await (await EdgeConductor.Testing.PostgresTestServer.GetAsync()).CreateDatabaseAsync("webhooks");
        _a = WebhookTestServer.Start(WebhookTestServer.Options(), _database);
        _b = WebhookTestServer.Start(WebhookTestServer.Options(), _database);
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await (await EdgeConductor.Testing.PostgresTestServer.GetAsync()).DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task TwoInstances_DeliverEachMessageExactlyOnce()
    {
        var org = await TestOrg.CreateAsync(_a);
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await _a.EnqueueAsync(org.Id, _receiver.Url($"/pg/{i % 8}")));
            ids.Add(await _b.EnqueueAsync(org.Id, _receiver.Url($"/pg/{i % 8}")));
        }
        var done = await Eventually.ValueAsync(() => org.GetAsync($"orgs/{org.Id}/webhook-deliveries?status=succeeded&limit=500"),
            l => l.AsArray().Count == ids.Count, TimeSpan.FromSeconds(60));
        Assert.Equal(ids.Count, done.AsArray().Count);
        var received = _receiver.All.Where(w => w.Path.StartsWith("/pg/", StringComparison.Ordinal)).ToList();
        Assert.Equal(ids.Order(), received.Select(w => w.Id).Order());
        Assert.All(done.AsArray(), d => Assert.Equal(1, d!.Attempts()));
    }

    [Fact]
    public async Task SigningRotation410AndTheBreaker_WorkOnPostgres()
    {
        var org = await TestOrg.CreateAsync(_a);
        var first = await org.RevealSecretAsync();
        var second = await org.RevealSecretAsync();
        await _b.EnqueueAsync(org.Id, _receiver.Url("/pg-signed"));
        var w = await _receiver.NextAsync("/pg-signed");
        Assert.True(DocsSnippets.Verify(first, w));
        Assert.True(DocsSnippets.Verify(second, w));

        _receiver.On("/pg-gone", 410);
        var gone = await _a.EnqueueAsync(org.Id, _receiver.Url("/pg-gone"));
        Assert.True((await org.DeliveryAsync(gone, d => d.Is("failed")))["response_code"]!.GetValue<int>() == 410);
        var after = await _a.EnqueueAsync(org.Id, _receiver.Url("/pg-gone"));
        Assert.Equal(0, (await org.DeliveryAsync(after, d => d.Is("failed"))).Attempts());

        _receiver.On("/pg-down", 500);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++) ids.Add(await (i % 2 == 0 ? _a : _b).EnqueueAsync(org.Id, _receiver.Url("/pg-down")));
        var all = await Eventually.ValueAsync(async () => await Task.WhenAll(ids.Select(id => org.GetAsync($"webhook-deliveries/{id}"))),
            ds => ds.All(d => d["last_error"] is not null), TimeSpan.FromSeconds(20));
        // Each instance checks the shared breaker before each attempt, so each may have one attempt in flight when it opens.
        Assert.InRange(all.Sum(d => d.Attempts()), 5, 6);
        Assert.Equal(all.Sum(d => d.Attempts()), _receiver.Count("/pg-down"));
        Assert.True(all.Count(d => d.Attempts() == 0) >= 4);
    }
}
