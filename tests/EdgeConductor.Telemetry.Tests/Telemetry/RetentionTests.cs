using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Telemetry;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Telemetry.Tests.Telemetry;

/// <summary>Retention: 7 days by default, per org via telemetry_retention_days; pruning keeps everything newer.</summary>
public abstract class RetentionTestsBase(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    private static async Task PushAsync(TestDevice d, TimeSpan ago, int n) =>
        await d.Org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"n":{{n}},"ts":{{DateTimeOffset.UtcNow.Subtract(ago).ToUnixTimeMilliseconds()}}}""")
            .ExpectAsync(HttpStatusCode.OK);

    private static async Task<int[]> StoredAsync(TestDevice d) =>
        ((JsonArray)await d.Org.GetAsync($"devices/{d.Serial}/telemetry/recent?limit=100")).Select(x => x!["n"]!.GetValue<int>()).Order().ToArray();

    [Fact]
    public async Task Prune_DropsReadingsOlderThanEachOrgsRetention_AndNothingNewer()
    {
        var byDefault = await TestOrg.CreateAsync(Server);
        var oneDay = await TestOrg.CreateAsync(Server);
        using var admin = await TestOrg.AdminAsync(Server);
        var a = await byDefault.DeviceAsync();
        var b = await oneDay.DeviceAsync();
        // Ingest refuses readings older than the retention: store the old ones under a long retention, then shorten it.
        foreach (var org in new[] { byDefault, oneDay })
            await admin.PatchRawAsync($"orgs/{org.Id}", """{"telemetry_retention_days":30}""").ExpectAsync(HttpStatusCode.OK);
        await PushAsync(a, TimeSpan.FromDays(8), 1);
        await PushAsync(a, TimeSpan.FromDays(6), 2);
        await PushAsync(a, TimeSpan.FromMinutes(1), 3);
        await PushAsync(b, TimeSpan.FromDays(2), 1);
        await PushAsync(b, TimeSpan.FromHours(23), 2);
        await admin.PatchRawAsync($"orgs/{byDefault.Id}", """{"telemetry_retention_days":7}""").ExpectAsync(HttpStatusCode.OK);
        await admin.PatchRawAsync($"orgs/{oneDay.Id}", """{"telemetry_retention_days":1}""").ExpectAsync(HttpStatusCode.OK);

        await Server.Services.GetRequiredService<RetentionWorker>().PruneOnceAsync(CancellationToken.None);

        Assert.Equal(new[] { 2, 3 }, await StoredAsync(a));
        Assert.Equal(new[] { 2 }, await StoredAsync(b));
    }
}

[Collection(ServerCollection.Name)]
public sealed class RetentionTests(ServerFixture fixture) : RetentionTestsBase(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresRetentionTests(PostgresServerFixture fixture) : RetentionTestsBase(fixture);
