using EdgeConductor.Server.Webhooks;

namespace EdgeConductor.Platform.Tests.Webhooks;

/// <summary>The backoff documented in docs/webhooks.md: 5 s doubling, capped at 1 h, jitter [0.5, 1), 24 h in all.</summary>
public sealed class RetryScheduleTests
{
    private readonly WebhookOptions _o = new();

    [Theory]
    [InlineData(1, 0.0, 2.5)]
    [InlineData(1, 1.0, 5)]
    [InlineData(2, 0.0, 5)]
    [InlineData(3, 1.0, 20)]
    [InlineData(10, 1.0, 2560)]
    [InlineData(11, 1.0, 3600)]
    [InlineData(40, 0.0, 1800)]
    public void TheDelay_DoublesPerAttempt_IsCapped_AndJittered(int attempt, double jitter, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetrySchedule.Delay(_o, attempt, jitter));

    [Fact]
    public void RetryAfter_WinsWhenLonger_ButNotWhenShorter()
    {
        Assert.Equal(TimeSpan.FromSeconds(120), RetrySchedule.Delay(_o, 1, 1.0, TimeSpan.FromSeconds(120)));
        Assert.Equal(TimeSpan.FromSeconds(5), RetrySchedule.Delay(_o, 1, 1.0, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void NoAttemptIsScheduledAfterTheRetryPeriod()
    {
        const long created = 1_000_000;
        var day = (long)TimeSpan.FromHours(24).TotalMilliseconds;
        Assert.Equal(created + 5_000, RetrySchedule.Next(_o, created, created, 1, 1.0));
        Assert.Null(RetrySchedule.Next(_o, created, created + day - 1_000, 20, 0.0));
        Assert.Equal(created + day - 3_000 + 2_500, RetrySchedule.Next(_o, created, created + day - 3_000, 1, 0.0));
        Assert.Null(RetrySchedule.Next(_o, created, created + day - 1_000, 1, 0.0));
    }

    [Fact]
    public void WithTheDefaults_ADeliveryIsTriedAboutThirtyTimesInADay()
    {
        long now = 0;
        var attempts = 1;
        while (RetrySchedule.Next(_o, 0, now, attempts, 1.0) is { } next)
        {
            now = next;
            attempts++;
        }
        Assert.InRange(attempts, 25, 35);
    }
}
