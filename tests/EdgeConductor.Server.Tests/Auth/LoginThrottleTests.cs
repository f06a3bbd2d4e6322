using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Hosting;

namespace EdgeConductor.Server.Tests.Auth;

public sealed class LoginThrottleTests
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly LoginThrottle _throttle;

    public LoginThrottleTests() =>
        _throttle = new LoginThrottle(new EcOptions { MaxFailedLogins = 3, LoginMaxDelay = TimeSpan.FromSeconds(60) }, _clock);

    [Fact]
    public void PerAccountAndIp_AfterTheFreeFailures_EachAttemptWaitsTwiceAsLong()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(_throttle.RetryAfter("a@x", "1.1.1.1"));
            _throttle.RecordFailure("a@x", "1.1.1.1");
        }
        Assert.Equal(TimeSpan.FromSeconds(2), _throttle.RetryAfter("a@x", "1.1.1.1"));
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(_throttle.RetryAfter("a@x", "1.1.1.1"));
        _throttle.RecordFailure("a@x", "1.1.1.1");
        Assert.Equal(TimeSpan.FromSeconds(4), _throttle.RetryAfter("a@x", "1.1.1.1"));

        Assert.Null(_throttle.RetryAfter("a@x", "2.2.2.2")); // the same account from elsewhere: not affected
        Assert.Null(_throttle.RetryAfter("b@x", "1.1.1.1")); // another account from this address: not affected
    }

    [Fact]
    public void Delay_IsCappedAtLoginMaxDelay()
    {
        Assert.Equal(TimeSpan.Zero, _throttle.DelayFor(0));
        Assert.Equal(TimeSpan.FromSeconds(2), _throttle.DelayFor(1));
        Assert.Equal(TimeSpan.FromSeconds(32), _throttle.DelayFor(5));
        Assert.Equal(TimeSpan.FromSeconds(60), _throttle.DelayFor(6));
        Assert.Equal(TimeSpan.FromSeconds(60), _throttle.DelayFor(1_000));
    }

    [Fact]
    public void FailuresLeaveTheWindow_AndTheDelayGoesAway()
    {
        for (var i = 0; i < 6; i++) _throttle.RecordFailure("a@x", "1.1.1.1");
        Assert.NotNull(_throttle.RetryAfter("a@x", "1.1.1.1"));
        _clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        Assert.Null(_throttle.RetryAfter("a@x", "1.1.1.1"));
    }

    [Fact]
    public void PerIp_FourTimesTheLimit_AcrossAccounts()
    {
        for (var i = 0; i < 12; i++) _throttle.RecordFailure($"user{i}@x", "9.9.9.9");
        Assert.NotNull(_throttle.RetryAfter("fresh@x", "9.9.9.9"));
        Assert.Null(_throttle.RetryAfter("fresh@x", "8.8.8.8"));
    }

    [Fact]
    public void Success_ResetsThePairsCount()
    {
        _throttle.RecordFailure("a@x", "1.1.1.1");
        _throttle.RecordFailure("a@x", "1.1.1.1");
        _throttle.RecordSuccess("a@x", "1.1.1.1");
        _throttle.RecordFailure("a@x", "1.1.1.1");
        _throttle.RecordFailure("a@x", "1.1.1.1");
        Assert.Null(_throttle.RetryAfter("a@x", "1.1.1.1"));
    }

    [Fact]
    public void FailuresForManyAddresses_AreForgottenOnceTheirWindowHasPassed()
    {
        for (var i = 0; i < 20_000; i++) _throttle.RecordFailure($"spray{i}@x", $"10.0.{i / 250}.{i % 250}");
        Assert.True(_throttle.TrackedKeys >= 20_000);
        _clock.Advance(TimeSpan.FromMinutes(16));
        _throttle.RecordFailure("late@x", "1.2.3.4");
        Assert.True(_throttle.TrackedKeys <= 2, $"{_throttle.TrackedKeys} keys still tracked");
    }
}
