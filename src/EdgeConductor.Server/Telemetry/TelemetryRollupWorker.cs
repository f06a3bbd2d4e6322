using System.Diagnostics.Metrics;

namespace EdgeConductor.Server.Telemetry;

/// <summary>
/// Keeps telemetry_rollup (per-minute count/sum/min/max of every numeric field) up to date, so aggregates read rollups
/// instead of raw JSON payloads (<see cref="TelemetryStore.AggregateAsync"/>). Every
/// <see cref="TelemetryOptions.RollupInterval"/> it rolls up the rows stored since its last pass, in insertion (id) order,
/// <see cref="TelemetryOptions.RollupChunk"/> rows per transaction, chunk after chunk until it has caught up. A row
/// back-filled with an old ts lands in its own minute, so the rollups stay exact whatever order readings arrive in.
/// The database work and its exactness argument are in <see cref="TelemetryRollupStore"/>.
/// </summary>
internal sealed class TelemetryRollupWorker : BackgroundService
{
    /// <summary>On PostgreSQL, how long a pass waits for transactions that may hold telemetry ids below the horizon.</summary>
    private static readonly TimeSpan HorizonWait = TimeSpan.FromSeconds(1);

    /// <summary>Retries of a chunk a concurrent pass or delete got to first, per <see cref="RunOnceAsync"/>.</summary>
    private const int MaxConflicts = 10;

    private readonly TelemetryRollupStore _store;
    private readonly TelemetryOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<TelemetryRollupWorker> _log;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Meter _meter;
    private readonly Counter<long> _rows;
    private long _behind;

    public TelemetryRollupWorker(TelemetryRollupStore store, TelemetryOptions options, TimeProvider clock, IMeterFactory meters,
        ILogger<TelemetryRollupWorker> log)
    {
        (_store, _options, _clock, _log) = (store, options, clock, log);
        _meter = meters.Create("EdgeConductor.Telemetry.Rollup");
        _rows = _meter.CreateCounter<long>("ec.telemetry.rollup.rows", description: "Telemetry rows added to the per-minute rollups.");
        _meter.CreateObservableGauge("ec.telemetry.rollup.behind", () => Interlocked.Read(ref _behind),
            description: "Telemetry ids above the rollup watermark at the end of the last pass (0 = caught up then).");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.RollupInterval <= TimeSpan.Zero) return; // passes only when called (tests)
        using var timer = new PeriodicTimer(_options.RollupInterval, _clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _log.LogError(ex, "Telemetry rollup pass failed; will retry");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// Rolls up every row that is final now (see <see cref="TelemetryRollupStore.SafeHorizonAsync"/>), chunk by chunk;
    /// returns the number of rows added. Passes in this process run one at a time.
    /// </summary>
    public async Task<long> RunOnceAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var horizon = await _store.SafeHorizonAsync(HorizonWait, ct);
            if (horizon is null)
            {
                _log.LogDebug("Telemetry rollup: transactions older than the newest row are still running; next pass");
                return 0;
            }
            long total = 0;
            var conflicts = 0;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var chunk = await _store.RollUpChunkAsync(horizon.Value, _options.RollupChunk, ct);
                Interlocked.Exchange(ref _behind, chunk.Behind);
                if (!chunk.Committed)
                {
                    if (++conflicts > MaxConflicts) break;
                    continue;
                }
                if (chunk.Rows > 0)
                {
                    total += chunk.Rows;
                    _rows.Add(chunk.Rows);
                }
                if (chunk.CaughtUp) break;
            }
            return total;
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Dispose()
    {
        _meter.Dispose();
        _gate.Dispose();
        base.Dispose();
    }
}
