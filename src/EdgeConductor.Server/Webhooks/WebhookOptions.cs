namespace EdgeConductor.Server.Webhooks;

/// <summary>
/// Webhook delivery settings (docs/webhooks.md). Environment variables: <c>EC_WEBHOOK_ALLOW_PRIVATE</c>,
/// <c>EC_WEBHOOK_TIMEOUT_SECONDS</c>, <c>EC_WEBHOOK_RETRY_HOURS</c>, <c>EC_WEBHOOK_SECRET_GRACE_HOURS</c>.
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// Deliver to loopback, private, link-local, CGNAT and other non-public addresses (EC_WEBHOOK_ALLOW_PRIVATE=true), for
    /// on-premises receivers. Default false: such URLs are refused at delivery time (SSRF protection).
    /// </summary>
    public bool AllowPrivate { get; set; }

    /// <summary>How long one attempt may take, connect to last response header (EC_WEBHOOK_TIMEOUT_SECONDS, default 10 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long after it was enqueued a delivery is retried before it is marked failed (EC_WEBHOOK_RETRY_HOURS, default 24 h).</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The delay after the first failed attempt; it doubles per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan BaseRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest delay between two attempts (1 h).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Consecutive failed attempts to one endpoint (org + URL) that open its circuit breaker.</summary>
    public int BreakerThreshold { get; set; } = 5;

    /// <summary>How long an open breaker holds that endpoint's deliveries before one probe attempt is let through.</summary>
    public TimeSpan BreakerCooldown { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Consecutive failed attempts to one endpoint after which one <c>webhook_failing</c> notification is raised.</summary>
    public int NotifyAfterFailures { get; set; } = 5;

    /// <summary>How long the previous secret still signs after a rotation (EC_WEBHOOK_SECRET_GRACE_HOURS, default 24 h).</summary>
    public TimeSpan SecretGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the worker looks for due deliveries when nothing wakes it (an enqueue wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Endpoints delivered to at the same time by one server instance.</summary>
    public int MaxConcurrentEndpoints { get; set; } = 32;

    /// <summary>Due deliveries one claim takes (grouped by endpoint; each endpoint's are sent one after another).</summary>
    public int ClaimBatch { get; set; } = 50;

    /// <summary>Reads the <c>EC_WEBHOOK_*</c> settings; missing or unparsable values keep the defaults.</summary>
    public static WebhookOptions FromConfiguration(IConfiguration config)
    {
        var o = new WebhookOptions();
        if (bool.TryParse(config["EC_WEBHOOK_ALLOW_PRIVATE"], out var allow)) o.AllowPrivate = allow;
        if (double.TryParse(config["EC_WEBHOOK_TIMEOUT_SECONDS"], System.Globalization.CultureInfo.InvariantCulture, out var t) && t > 0)
            o.Timeout = TimeSpan.FromSeconds(t);
        if (double.TryParse(config["EC_WEBHOOK_RETRY_HOURS"], System.Globalization.CultureInfo.InvariantCulture, out var h) && h > 0)
            o.RetryPeriod = TimeSpan.FromHours(h);
        if (double.TryParse(config["EC_WEBHOOK_SECRET_GRACE_HOURS"], System.Globalization.CultureInfo.InvariantCulture, out var g) && g >= 0)
            o.SecretGrace = TimeSpan.FromHours(g);
        return o;
    }
}
