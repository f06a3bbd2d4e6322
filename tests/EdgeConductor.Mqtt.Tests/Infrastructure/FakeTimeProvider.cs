using System.Threading.Channels;

namespace EdgeConductor.Mqtt.Tests.Infrastructure;

/// <summary>Manually advanced clock; timers fire synchronously inside <see cref="Advance"/>.</summary>
internal sealed class FakeTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<FakeTimer> _timers = [];
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Waits for the next timer created on this clock (e.g. by <c>Task.Delay(…, provider)</c>) and returns its due time.</summary>
    public async Task<TimeSpan> NextTimerAsync()
    {
        using var cts = new CancellationTokenSource(TestExtensions.DefaultTimeout);
        return await _created.Reader.ReadAsync(cts.Token);
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        _created.Writer.TryWrite(dueTime);

        return timer;
    }

    /// <summary>Moves time forward in steps of at most one second so periodic timers fire at each step.</summary>
    public void Advance(TimeSpan by)
    {
        var remaining = by;
        while (remaining > TimeSpan.Zero)
        {
            var step = remaining > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : remaining;
            remaining -= step;
            List<FakeTimer> due;
            lock (_lock)
            {
                _now += step;
                due = _timers.Where(t => t.DueAt is { } d && d <= _now).ToList();
                foreach (var t in due)
                {
                    t.DueAt = t.Period > TimeSpan.Zero && t.Period != Timeout.InfiniteTimeSpan ? _now + t.Period : null;
                }
            }

            foreach (var t in due)
            {
                t.Fire();
            }
        }
    }

    private void Remove(FakeTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? DueAt { get; set; }

        public TimeSpan Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Period = period;
            DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner.GetUtcNow() + dueTime;
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
