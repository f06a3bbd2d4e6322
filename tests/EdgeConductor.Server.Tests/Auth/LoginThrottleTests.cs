using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Hosting;

namespace EdgeConductor.Server.Tests.Auth;

public sealed class LoginThrottleTests
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly LoginThrottle _throttle;

    public LoginThrottleTests() => _throttle = new LoginThrottle(new EcOptions { MaxFailedLoginsPerEmail = 3 }, _clock);

    [Fact]
    public void PerEmail_LimitReached_WaitUntilOldestFailureLeavesWindow()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(_throttle.RetryAfter("a@x", "1.1.1.1"));
            _throttle.RecordFailure("a@x", "1.1.1.1");
            _clock.Advance(TimeSpan.FromMinutes(1));
        }
        Assert.Equal(TimeSpan.FromMinutes(12), _throttle.RetryAfter("a@x", "1.1.1.1"));
        Assert.Null(_throttle.RetryAfter("b@x", "2.2.2.2")); // others unaffected
        _clock.Advance(TimeSpan.FromMinutes(12));
        Assert.Null(_throttle.RetryAfter("a@x", "1.1.1.1"));
    }

    [Fact]
    public void PerIp_FourTimesTheEmailLimit()
    {
        for (var i = 0; i < 12; i++) _throttle.RecordFailure($"user{i}@x", "9.9.9.9");
        Assert.NotNull(_throttle.RetryAfter("fresh@x", "9.9.9.9"));
        Assert.Null(_throttle.RetryAfter("fresh@x", "8.8.8.8"));
    }

    [Fact]
    public void Success_ResetsTheEmailCount()
    {
        _throttle.RecordFailure("a@x", "1.1.1.1");
        _throttle.RecordFailure("a@x", "1.1.1.1");
        _throttle.RecordSuccess("a@x");
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
