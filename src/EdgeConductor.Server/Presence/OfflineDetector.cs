namespace EdgeConductor.Server.Presence;

/// <summary>Runs <see cref="PresenceService.DetectOfflineAsync"/> every <see cref="PresenceOptions.CheckInterval"/> on the injected clock.</summary>
internal sealed class OfflineDetector(PresenceService presence, PresenceOptions options, TimeProvider clock, ILogger<OfflineDetector> log)
    : BackgroundService
{
    private long _lastPassStartedTicks = DateTimeOffset.MinValue.UtcTicks;

    /// <summary>
    /// The clock time at which the last finished pass started: a test that moved the clock waits until this reaches the
    /// moved time, so it knows a pass has looked at the new time (instead of sleeping and hoping one did).
    /// </summary>
    internal DateTimeOffset LastPassStartedAt => new(Interlocked.Read(ref _lastPassStartedTicks), TimeSpan.Zero);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.CheckInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var startedAt = clock.GetUtcNow();
            try
            {
                await presence.DetectOfflineAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Offline detection pass failed; will retry");
            }

            Interlocked.Exchange(ref _lastPassStartedTicks, startedAt.UtcTicks);
        }
    }
}
