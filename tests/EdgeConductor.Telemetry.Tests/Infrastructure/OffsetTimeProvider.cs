namespace EdgeConductor.Telemetry.Tests.Infrastructure;

/// <summary>
/// The server's clock in tests: real time plus an offset the test moves forward, so "15 minutes of silence" takes no
/// time while timers, keep-alives and awaits still run on real time.
/// </summary>
internal sealed class OffsetTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
