namespace EdgeConductor.Server.Ota;

/// <summary>
/// Advances OTA jobs (<see cref="OtaService.AdvanceAsync"/>) every <see cref="OtaOptions.WorkerInterval"/> and at once when
/// a job is created or resumed. Each pass leases the jobs it works on (<see cref="OtaJobStore.LeaseJobsAsync"/>), so two
/// instances on one PostgreSQL never advance a job together; a job of a crashed instance is taken over when its lease
/// ends (a clean shutdown gives its leases up at once). Nothing lives only in memory: after a restart (or kill -9) the next pass carries on from the database.
/// </summary>
internal sealed class OtaWorker(OtaService ota, OtaJobStore jobs, OtaOptions options, ILogger<OtaWorker> log) : BackgroundService
{
    private readonly string _owner = Guid.NewGuid().ToString("N");
    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ota.JobsChanged += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await PassAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "OTA worker pass failed; retrying at the next interval");
                }
                await _wake.WaitAsync(options.WorkerInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
        finally
        {
            ota.JobsChanged -= Wake;
            try
            {
                await jobs.ReleaseLeasesAsync(_owner, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // After a crash or a failed release the leases simply run out (JobLease, 30 s).
                log.LogWarning(ex, "Releasing OTA job leases on shutdown failed");
            }
        }
    }

    /// <summary>One pass over every job this instance can lease.</summary>
    public async Task PassAsync(CancellationToken ct)
    {
        foreach (var job in await jobs.LeaseJobsAsync(_owner, options.JobLease, 200, ct))
        {
            try
            {
                await ota.AdvanceAsync(job, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Advancing OTA job #{Number} of org {Org} failed", job.Number, job.OrgId);
            }
        }
    }

    private void Wake()
    {
        try { _wake.Release(); } catch (SemaphoreFullException) { /* already signalled */ }
    }
}
