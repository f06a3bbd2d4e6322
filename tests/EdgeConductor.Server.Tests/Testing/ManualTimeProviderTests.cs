namespace EdgeConductor.Server.Tests.Testing;

/// <summary>The fake clock the integration tests drive the server with.</summary>
public sealed class ManualTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void StandsStillUntilAdvanced()
    {
        var clock = new ManualTimeProvider(Start);
        Assert.Equal(Start, clock.GetUtcNow());
        var t0 = clock.GetTimestamp();
        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(Start.AddMinutes(16), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromMinutes(16), clock.GetElapsedTime(t0));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public async Task Delay_CompletesWhenAdvancedPastIt()
    {
        var clock = new ManualTimeProvider(Start);
        var delay = Task.Delay(TimeSpan.FromSeconds(30), clock);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(delay.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task PeriodicTimer_TicksOncePerPeriodPassed()
    {
        var clock = new ManualTimeProvider(Start);
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        var tick = timer.WaitForNextTickAsync().AsTask();
        Assert.False(tick.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await tick.WaitAsync(TimeSpan.FromSeconds(5)));
        var next = timer.WaitForNextTickAsync().AsTask();
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(next.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Timers_FireInDueOrder_AtTheirDueTime()
    {
        var clock = new ManualTimeProvider(Start);
        var fired = new List<(string Name, DateTimeOffset At)>();
        using var b = clock.CreateTimer(_ => fired.Add(("b", clock.GetUtcNow())), null, TimeSpan.FromSeconds(20), Timeout.InfiniteTimeSpan);
        using var a = clock.CreateTimer(_ => fired.Add(("a", clock.GetUtcNow())), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15));
        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal([("a", Start.AddSeconds(10)), ("b", Start.AddSeconds(20)), ("a", Start.AddSeconds(25)), ("a", Start.AddSeconds(40))], fired);
        Assert.Equal(Start.AddSeconds(40), clock.GetUtcNow());
    }

    [Fact]
    public void DisposedOrChangedTimer_DoesNotFire()
    {
        var clock = new ManualTimeProvider(Start);
        var count = 0;
        var t = clock.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, count);
        t.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, count);
        t.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        t.Dispose();
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, count);
    }
}
