namespace EdgeConductor.Web.Devices;

/// <summary>
/// Coalesces "something changed" signals into at most one render per <see cref="Interval"/> (250 ms: ≤ 4 renders a
/// second, issue 15), like Aspire's CallbackThrottler: the first change after a quiet period renders at once, changes
/// during the interval render once at its end. Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class RenderThrottle : IDisposable
{
    /// <summary>The shortest gap between two renders.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly Func<Task> _render;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private long _lastRenderTicks = long.MinValue;
    private bool _pending;
    private bool _disposed;

    /// <summary>Creates a throttle that calls <paramref name="render"/> (e.g. <c>() => InvokeAsync(StateHasChanged)</c>).</summary>
    public RenderThrottle(Func<Task> render, TimeProvider time)
    {
        _render = render;
        _time = time;
    }

    /// <summary>How many renders ran (for tests and the bench).</summary>
    public int Renders { get; private set; }

    /// <summary>Signals a change: renders now, or once when the current interval ends.</summary>
    public void Changed()
    {
        lock (_gate)
        {
            if (_disposed || _pending) return;
            var now = _time.GetTimestamp();
            var since = _lastRenderTicks == long.MinValue ? Interval : _time.GetElapsedTime(_lastRenderTicks, now);
            if (since >= Interval)
            {
                _lastRenderTicks = now;
                _ = RenderAsync();
                return;
            }
            _pending = true;
            _timer?.Dispose();
            _timer = _time.CreateTimer(_ => Fire(), null, Interval - since, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _pending = false;
            _lastRenderTicks = _time.GetTimestamp();
        }
        _ = RenderAsync();
    }

    private async Task RenderAsync()
    {
        Renders++;
        try
        {
            await _render();
        }
        catch (ObjectDisposedException)
        {
            // the circuit went away between the signal and the render
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }
}
