namespace EdgeConductor.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> that stands still until a test moves it (Microsoft's FakeTimeProvider package is not
/// served here). Timers created from it (<c>Task.Delay(…, provider)</c>, <c>PeriodicTimer</c>, <c>CreateTimer</c>) fire
/// inside <see cref="Advance"/> when their due time is reached, in due-time order.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _ticks;

    /// <summary>Starts at <paramref name="start"/>, or at the real current time truncated to the millisecond.</summary>
    public ManualTimeProvider(DateTimeOffset? start = null)
    {
        var s = start ?? DateTimeOffset.UtcNow;
        _now = DateTimeOffset.FromUnixTimeMilliseconds(s.ToUnixTimeMilliseconds());
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public override long GetTimestamp()
    {
        lock (_gate) return _ticks;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate) target = _now + by;
        while (true)
        {
            ManualTimer? due;
            lock (_gate)
            {
                due = _timers.Where(t => t.DueAt <= target).MinBy(t => t.DueAt);
                if (due is null)
                {
                    _ticks += (target - _now).Ticks;
                    _now = target;
                    return;
                }
                if (due.DueAt > _now)
                {
                    _ticks += (due.DueAt - _now).Ticks;
                    _now = due.DueAt;
                }
                due.Reschedule(_now);
                if (due.DueAt == DateTimeOffset.MaxValue) _timers.Remove(due);
            }
            due.Fire(); // outside the lock: the callback may create or change timers
        }
    }

    /// <summary>Sets the clock to <paramref name="when"/> (not earlier than now).</summary>
    public void SetUtcNow(DateTimeOffset when) => Advance(when - GetUtcNow());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset DueAt { get; private set; } = DateTimeOffset.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                _period = period;
                if (dueTime == Timeout.InfiniteTimeSpan) { DueAt = DateTimeOffset.MaxValue; return true; }
                DueAt = owner._now + dueTime;
                owner._timers.Add(this);
            }
            if (dueTime == TimeSpan.Zero) owner.Advance(TimeSpan.Zero);
            return true;
        }

        /// <summary>Called under the owner's lock when the timer fires: next due time, or never.</summary>
        public void Reschedule(DateTimeOffset now) =>
            DueAt = _period == Timeout.InfiniteTimeSpan || _period <= TimeSpan.Zero ? DateTimeOffset.MaxValue : now + _period;

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                DueAt = DateTimeOffset.MaxValue;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
