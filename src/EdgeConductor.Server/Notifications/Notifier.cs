using EdgeConductor.Server.Common;
using EdgeConductor.Server.Live;
using EdgeConductor.Server.Notifications.Email;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Notifications;

/// <summary>
/// The <see cref="INotifier"/> every feature calls: stores the notification (the bell) and, in the same transaction,
/// queues it in the e-mail outbox for each recipient (<see cref="EmailRecipients"/>; only when EC_SMTP_HOST is set),
/// then publishes it live on the org's SSE stream (<see cref="NotificationLiveEvents"/>). Returns once both rows are
/// committed; the e-mail itself is sent later by <see cref="NotificationEmailWorker"/>.
/// </summary>
public sealed class Notifier(Database db, NotificationStore store, NotificationOptions options, EmailRecipients recipients,
    DeviceEventHub hub, EmailWakeSignal wake, TimeProvider clock) : INotifier
{
    /// <inheritdoc />
    public async Task NotifyAsync(NotificationEvent e, CancellationToken ct)
    {
        var to = options.EmailEnabled ? await recipients.ForAsync(e.OrgId, e.Kind, ct) : [];
        NotificationStore.NotificationDto stored;
        await using (var conn = await db.OpenAsync(ct))
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            stored = await store.CreateAsync(conn, tx, e, ct);
            if (to.Count > 0)
            {
                var now = clock.Ms();
                await EmailOutboxStore.EnqueueAsync(conn, tx, stored.Id, e.OrgId, to, now, now + (long)options.BatchWindow.TotalMilliseconds, ct);
            }
            await tx.CommitAsync(ct);
        }

        hub.Publish(NotificationLiveEvents.Raised(stored));
        if (to.Count > 0) wake.Wake();
    }
}
