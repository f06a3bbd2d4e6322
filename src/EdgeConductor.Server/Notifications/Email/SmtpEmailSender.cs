using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace EdgeConductor.Server.Notifications.Email;

/// <summary>Sends one message over SMTP with MailKit, as <see cref="NotificationOptions"/> says (host, port, TLS mode, AUTH).</summary>
public sealed class SmtpEmailSender(NotificationOptions options)
{
    /// <summary>The configured From address.</summary>
    public MailboxAddress From { get; } = MailboxAddress.Parse(options.SmtpFrom);

    /// <summary>Connects, authenticates when a user is set, sends and disconnects. Throws what MailKit throws.</summary>
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        if (!options.EmailEnabled) throw new InvalidOperationException("E-mail is off: EC_SMTP_HOST is not set.");
        using var client = new SmtpClient { Timeout = 30_000 };
        var tls = options.Tls switch
        {
            SmtpTls.Tls => SecureSocketOptions.SslOnConnect,
            SmtpTls.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        await client.ConnectAsync(options.SmtpHost!, options.EffectivePort, tls, ct);
        if (options.SmtpUser is not null) await client.AuthenticateAsync(options.SmtpUser, options.SmtpPassword ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }

    /// <summary>
    /// True when retrying cannot help: the server refused the sender, a recipient or the message with a 5xx reply
    /// (RFC 5321 §4.2.1, "permanent negative completion"). 4xx replies, connection and TLS failures, and authentication
    /// failures (a configuration an admin can fix) are retried.
    /// </summary>
    public static bool IsPermanent(Exception ex) => ex is SmtpCommandException c && (int)c.StatusCode >= 500 &&
        c.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.SenderNotAccepted or SmtpErrorCode.MessageNotAccepted;

    /// <summary>A short description of a send failure for logs and the outbox row (no credentials).</summary>
    public static string Describe(Exception ex) => ex switch
    {
        SmtpCommandException c => $"SMTP {(int)c.StatusCode}: {c.Message}",
        SmtpProtocolException p => $"SMTP protocol: {p.Message}",
        AuthenticationException a => $"SMTP authentication: {a.Message}",
        ServiceNotConnectedException => "SMTP: not connected",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
