using System.Globalization;

namespace EdgeConductor.Server.Notifications;

/// <summary>How TLS is used on the SMTP connection (EC_SMTP_TLS).</summary>
public enum SmtpTls
{
    /// <summary>Plain SMTP (a relay on localhost or a private network).</summary>
    None,

    /// <summary>Plain connect, then STARTTLS (RFC 3207), which the server must offer. Port 587 by default.</summary>
    StartTls,

    /// <summary>TLS from the first byte ("SMTPS", RFC 8314). Port 465 by default.</summary>
    Tls,
}

/// <summary>
/// Notification e-mail settings (docs/notifications.md). E-mail is off while <see cref="SmtpHost"/> is empty: the bell
/// and live events work as always, nothing is queued for e-mail, and the test-send endpoint answers 409.
/// </summary>
public sealed class NotificationOptions
{
    /// <summary>SMTP server host name (EC_SMTP_HOST); empty = e-mail off.</summary>
    public string? SmtpHost { get; set; }

    /// <summary>SMTP port (EC_SMTP_PORT); default 25 for none, 587 for starttls, 465 for tls.</summary>
    public int SmtpPort { get; set; }

    /// <summary>SMTP user name (EC_SMTP_USER); when set, the client authenticates (AUTH, RFC 4954).</summary>
    public string? SmtpUser { get; set; }

    /// <summary>SMTP password (EC_SMTP_PASSWORD).</summary>
    public string? SmtpPassword { get; set; }

    /// <summary>The From address (EC_SMTP_FROM), e.g. <c>EdgeConductor &lt;alerts@example.com&gt;</c>.</summary>
    public string SmtpFrom { get; set; } = "EdgeConductor <edgeconductor@localhost>";

    /// <summary>EC_SMTP_TLS = none | starttls | tls (default starttls).</summary>
    public SmtpTls Tls { get; set; } = SmtpTls.StartTls;

    /// <summary>Notifications for one recipient within this window are sent as one e-mail (EC_NOTIFY_EMAIL_WINDOW, seconds; default 60).</summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>At most this many e-mails per recipient per rolling hour (EC_NOTIFY_EMAIL_HOURLY_CAP, default 10); the rest is summarised.</summary>
    public int HourlyCap { get; set; } = 10;

    /// <summary>Attempts before a refused e-mail is given up (status failed).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>First retry delay after a refusal; doubles per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest retry delay.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the outbox worker looks for due e-mails when nothing wakes it (real time).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one instance holds a recipient while it builds and sends that recipient's e-mail.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>True when an SMTP host is configured.</summary>
    public bool EmailEnabled => !string.IsNullOrWhiteSpace(SmtpHost);

    /// <summary>The port used: <see cref="SmtpPort"/>, or the default for <see cref="Tls"/>.</summary>
    public int EffectivePort => SmtpPort > 0 ? SmtpPort : Tls switch { SmtpTls.Tls => 465, SmtpTls.StartTls => 587, _ => 25 };

    /// <summary>Reads the EC_SMTP_* and EC_NOTIFY_EMAIL_* settings (EC_PUBLIC_URL, for the links: <see cref="Hosting.PublicUrlOptions"/>); throws on a malformed value (fail at start).</summary>
    public static NotificationOptions FromConfiguration(IConfiguration config)
    {
        var o = new NotificationOptions { SmtpHost = NonEmpty(config["EC_SMTP_HOST"]) };
        if (NonEmpty(config["EC_SMTP_PORT"]) is { } port)
            o.SmtpPort = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
                ? p : throw new InvalidOperationException($"EC_SMTP_PORT must be a port number, not '{port}'.");
        o.SmtpUser = NonEmpty(config["EC_SMTP_USER"]);
        o.SmtpPassword = config["EC_SMTP_PASSWORD"];
        o.SmtpFrom = NonEmpty(config["EC_SMTP_FROM"]) ?? o.SmtpFrom;
        if (!MimeKit.MailboxAddress.TryParse(o.SmtpFrom, out _))
            throw new InvalidOperationException($"EC_SMTP_FROM must be an e-mail address, not '{o.SmtpFrom}'.");
        o.Tls = NonEmpty(config["EC_SMTP_TLS"])?.ToLowerInvariant() switch
        {
            null or "starttls" => SmtpTls.StartTls,
            "none" => SmtpTls.None,
            "tls" => SmtpTls.Tls,
            var other => throw new InvalidOperationException($"EC_SMTP_TLS must be none, starttls or tls, not '{other}'."),
        };
        if (NonEmpty(config["EC_NOTIFY_EMAIL_WINDOW"]) is { } w)
            o.BatchWindow = int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s <= 3600
                ? TimeSpan.FromSeconds(s) : throw new InvalidOperationException($"EC_NOTIFY_EMAIL_WINDOW must be 0..3600 seconds, not '{w}'.");
        if (NonEmpty(config["EC_NOTIFY_EMAIL_HOURLY_CAP"]) is { } c)
            o.HourlyCap = int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var cap) && cap >= 1
                ? cap : throw new InvalidOperationException($"EC_NOTIFY_EMAIL_HOURLY_CAP must be 1 or more, not '{c}'.");
        return o;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
