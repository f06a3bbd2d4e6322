using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Telemetry;

/// <summary>Prunes telemetry older than each org's retention (default 7 days) in small chunks, so ingest never stalls.</summary>
internal sealed class RetentionWorker(TelemetryStore store, OrgStore orgs, TelemetryOptions options, TelemetryMetrics metrics,
    TimeProvider clock, ILogger<RetentionWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PruneInterval, clock);
        do
        {
            try
            {
                await PruneOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Telemetry retention pass failed; will retry");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<long> PruneOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        long deleted = 0;
        foreach (var (orgId, days) in await orgs.RetentionsAsync(ct))
            deleted += await store.PruneAsync(orgId, (now - TimeSpan.FromDays(days)).ToUnixTimeMilliseconds(), options.PruneChunk, ct);
        deleted += await store.PruneAsync(null, (now - TimeSpan.FromDays(options.DefaultRetentionDays)).ToUnixTimeMilliseconds(), options.PruneChunk, ct);
        if (deleted > 0)
        {
            metrics.Pruned.Add(deleted);
            log.LogInformation("Retention removed {Count} telemetry records", deleted);
        }
        return deleted;
    }
}
