namespace EdgeConductor.Server.Webhooks;

/// <summary>
/// When a failed delivery is tried again: exponential backoff with jitter. After attempt <c>n</c> (1-based) the delay is
/// <c>min(BaseRetryDelay × 2^(n-1), MaxRetryDelay)</c> scaled by a random factor in [0.5, 1.0) (so endpoints that failed
/// together do not all come back at once); a <c>Retry-After</c> from the receiver (429/503) is honoured when longer.
/// With the defaults (5 s, 1 h cap, 24 h period): 2.5–5 s, 5–10 s, 10–20 s, … then up to hourly, about 30 attempts.
/// A delivery whose next attempt would fall after <c>created + RetryPeriod</c> is not retried: it fails.
/// </summary>
public static class RetrySchedule
{
    /// <summary>The delay after failed attempt <paramref name="attempt"/>; <paramref name="jitter01"/> is a random number in [0, 1).</summary>
    public static TimeSpan Delay(WebhookOptions o, int attempt, double jitter01, TimeSpan? retryAfter = null)
    {
        var exp = Math.Min(Math.Max(attempt - 1, 0), 30);
        var baseMs = Math.Min(o.BaseRetryDelay.TotalMilliseconds * Math.Pow(2, exp), o.MaxRetryDelay.TotalMilliseconds);
        var delay = TimeSpan.FromMilliseconds(baseMs * (0.5 + 0.5 * Math.Clamp(jitter01, 0, 1)));
        return retryAfter is { } ra && ra > delay ? ra : delay;
    }

    /// <summary>The next attempt time (Unix ms), or null when it would fall after the retry period (give up).</summary>
    public static long? Next(WebhookOptions o, long createdAtMs, long nowMs, int attempt, double jitter01, TimeSpan? retryAfter = null)
    {
        var next = nowMs + (long)Delay(o, attempt, jitter01, retryAfter).TotalMilliseconds;
        return next > createdAtMs + (long)o.RetryPeriod.TotalMilliseconds ? null : next;
    }
}
