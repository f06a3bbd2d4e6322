using EdgeConductor.Testing;
using EdgeConductor.Web.Devices;

namespace EdgeConductor.Web.Tests.Devices;

/// <summary>The live pages' render throttle: at most one render per 250 ms (≤ 4 a second), none lost. Clock: ManualTimeProvider.</summary>
public sealed class RenderThrottleTests
{
    [Fact]
    public void Burst_of_changes_renders_once_now_and_once_at_the_end_of_the_interval()
    {
        var clock = new ManualTimeProvider();
        var renders = 0;
        using var throttle = new RenderThrottle(() => { renders++; return Task.CompletedTask; }, clock);

        throttle.Changed(); // quiet before: renders at once
        for (var i = 0; i < 50; i++) throttle.Changed(); // a burst inside the interval: coalesced
        Assert.Equal(1, renders);

        clock.Advance(TimeSpan.FromMilliseconds(249));
        Assert.Equal(1, renders);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, renders); // the burst's last state is rendered, once
    }

    [Fact]
    public void Steady_stream_renders_at_most_four_times_a_second()
    {
        var clock = new ManualTimeProvider();
        var renders = 0;
        using var throttle = new RenderThrottle(() => { renders++; return Task.CompletedTask; }, clock);

        for (var ms = 0; ms < 1000; ms += 10) // 100 readings in one second
        {
            throttle.Changed();
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.InRange(renders, 4, 5); // the first at once, then one per 250 ms
    }

    [Fact]
    public void No_render_after_dispose()
    {
        var clock = new ManualTimeProvider();
        var renders = 0;
        var throttle = new RenderThrottle(() => { renders++; return Task.CompletedTask; }, clock);
        throttle.Changed();
        throttle.Changed(); // pending
        throttle.Dispose();

        clock.Advance(TimeSpan.FromSeconds(1));
        throttle.Changed();

        Assert.Equal(1, renders);
    }
}
