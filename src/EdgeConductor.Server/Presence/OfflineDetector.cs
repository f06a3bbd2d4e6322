namespace EdgeConductor.Server.Presence;

/// <summary>Runs <see cref="PresenceService.DetectOfflineAsync"/> every <see cref="PresenceOptions.CheckInterval"/> on the injected clock.</summary>
internal sealed class OfflineDetector(PresenceService presence, PresenceOptions options, TimeProvider clock, ILogger<OfflineDetector> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.CheckInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await presence.DetectOfflineAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Offline detection pass failed; will retry");
            }
        }
    }
}
