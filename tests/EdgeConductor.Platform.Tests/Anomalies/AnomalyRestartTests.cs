using EdgeConductor.Testing;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Anomalies;

/// <summary>
/// After a restart the windows come back from stored telemetry (no blind spot: the first anomalous reading alerts at
/// once) and the cooldown comes back from the database (no burst of repeated alerts) — on SQLite and on PostgreSQL.
/// </summary>
public sealed class AnomalyRestartTests
{
    [Fact]
    public Task Sqlite_WindowsAndCooldownSurviveARestart() => RunAsync(null);

    [Fact]
    public async Task Postgres_WindowsAndCooldownSurviveARestart()
    {
        var pg = await PostgresTestServer.GetAsync();
        await RunAsync(await pg.CreateDatabaseAsync("anomaly_restart"));
    }

    private static async Task RunAsync(string? postgres)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "ec-anomaly-restart-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDir);
        try
        {
            AnomalyFeed feed;
            await using (var first = new EcServer(postgres: postgres, dataDir: dataDir).Start())
            {
                feed = await AnomalyFeed.CreateAsync(first);
                await feed.HttpAsync(AnomalyFeed.Repeat("temp", 20, 29));
                await feed.HttpAsync("""{"bat":3.2}""");              // a floor alert: its cooldown must survive the restart
                await feed.WaitForAsync("bat", 1);
            }

            await using var second = new EcServer(postgres: postgres, dataDir: dataDir).Start();
            feed = feed.On(second);
            await feed.HttpAsync("""{"temp":20.5}""", """{"bat":3.1}""");
            // Rebuilt window: 28 × 20 + 20.5 = 580.5 / 29 = 20.0172; 30 is +49.87 % → critical. Without the rebuild the
            // window would hold one reading and nothing would alert.
            await feed.HttpAsync("""{"temp":30}""");
            var a = Assert.Single(await feed.WaitForAsync("temp", 1))!;
            Assert.Equal("critical", a["severity"]!.GetValue<string>());
            Assert.Equal(580.5 / 29, a["baseline"]!.GetValue<double>(), 6);
            Assert.Equal(49.87, a["deviation_pct"]!.GetValue<double>(), 2);
            // bat 3.1 was evaluated before temp 30 (same device, earlier ts): the stored cooldown held it back.
            Assert.Single(await feed.AnomaliesAsync("bat"));
        }
        finally
        {
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }
}
