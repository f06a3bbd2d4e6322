using EdgeConductor.Server.Common;
using EdgeConductor.Server.Hosting;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Notifications.Email;

/// <summary>
/// Sends the e-mail outbox (<see cref="EmailOutboxStore"/>). For each recipient with a due row it takes the recipient's
/// lease (so two instances on one PostgreSQL never build the same e-mail), then per org: all of the recipient's
/// pending notifications go into ONE e-mail (the batch window: rows are due <see cref="NotificationOptions.BatchWindow"/>
/// after they were raised, and everything that arrived meanwhile joins); if the recipient already got
/// <see cref="NotificationOptions.HourlyCap"/> e-mails in the last hour the rows are held until the cap frees and then
/// counted in a summary line; a refused send is retried with exponential backoff, and given up after
/// <see cref="NotificationOptions.MaxAttempts"/> attempts or at once on a permanent (5xx) refusal.
/// State lives only in the database, so a restart or kill -9 resumes where it stopped (at worst a lease expires first).
/// </summary>
public sealed class NotificationEmailWorker(EmailOutboxStore outbox, SmtpEmailSender sender, NotificationOptions options, OrgStore orgs,
    PublicUrlOptions publicUrl, EmailWakeSignal wake, TimeProvider clock, ILogger<NotificationEmailWorker> log) : BackgroundService
{
    private readonly string _owner = Ids.New();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.EmailEnabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log.LogError(ex, "Notification e-mail pass failed; retrying on the next pass");
            }

            await wake.WaitAsync(options.PollInterval, stoppingToken);
        }
    }

    /// <summary>One pass over every recipient that has something due now.</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        var now = clock.Ms();
        foreach (var recipient in await outbox.DueRecipientsAsync(now, 50, ct))
        {
            if (!await outbox.TryLeaseAsync(recipient, _owner, now, now + (long)options.LeaseDuration.TotalMilliseconds, ct)) continue;
            try
            {
                await SendForRecipientAsync(recipient, ct);
            }
            finally
            {
                await outbox.ReleaseAsync(recipient, _owner, CancellationToken.None);
            }
        }
    }

    private async Task SendForRecipientAsync(string recipient, CancellationToken ct)
    {
        var now = clock.Ms();
        var hourAgo = now - (long)TimeSpan.FromHours(1).TotalMilliseconds;
        foreach (var group in (await outbox.OpenItemsAsync(recipient, ct)).GroupBy(i => i.OrgId))
        {
            var pending = group.Where(i => i.Status == EmailOutboxStore.Status.Pending).ToList();
            var held = group.Where(i => i.Status == EmailOutboxStore.Status.Held).ToList();
            if (!group.Any(i => i.NextAttemptAt <= now)) continue;

            var (sentLastHour, oldest) = await outbox.SendsSinceAsync(recipient, hourAgo, ct);
            if (sentLastHour >= options.HourlyCap)
            {
                var freeAt = (oldest ?? now) + (long)TimeSpan.FromHours(1).TotalMilliseconds;
                await outbox.MarkHeldAsync(group.Select(i => i.Id).ToList(), freeAt, ct);
                continue;
            }

            var org = await orgs.FindAsync(group.Key, ct);
            var brand = new EmailBrand(org?.Name ?? "EdgeConductor", org?.PrimaryColor);
            var entries = pending.Select(i => new EmailEntry(i.Kind, i.Severity, i.Title, i.Body, i.DeviceSerial, i.Data, i.CreatedAt)).ToList();
            var heldBack = held.GroupBy(i => i.Kind).ToDictionary(g => g.Key, g => g.Count());
            try
            {
                var message = NotificationEmailComposer.Compose(sender.From, recipient, brand, entries, heldBack, publicUrl.BaseUrl);
                await sender.SendAsync(message, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                var attempts = group.Max(i => i.Attempts) + 1;
                var permanent = SmtpEmailSender.IsPermanent(ex);
                var giveUp = permanent || attempts >= options.MaxAttempts;
                var retryAt = now + (long)RetryDelay(attempts).TotalMilliseconds;
                await outbox.MarkAttemptFailedAsync(group.Select(i => i.Id).ToList(), SmtpEmailSender.Describe(ex), retryAt, giveUp, ct);
                log.LogWarning("Notification e-mail to {Recipient} refused (attempt {Attempts}{GiveUp}): {Error}", recipient, attempts,
                    giveUp ? ", giving up" : "", SmtpEmailSender.Describe(ex));
                continue;
            }

            await outbox.MarkSentAsync(recipient, group.Key, pending.Select(i => i.Id).ToList(), held.Select(i => i.Id).ToList(), now, ct);
        }
    }

    /// <summary>Delay before attempt <paramref name="attempts"/> + 1: the first delay doubled per attempt, capped.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var ms = options.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempts - 1));
        return TimeSpan.FromMilliseconds(Math.Min(ms, options.MaxRetryDelay.TotalMilliseconds));
    }
}
