using System.Data.Common;
using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Notifications.Email;

/// <summary>
/// The durable e-mail outbox (<c>notification_emails</c>): one row per notification and recipient. Status moves
/// pending → sent, or pending → held (hourly cap reached) → summarized (counted in the summary line of the next e-mail),
/// or → failed (refused <see cref="NotificationOptions.MaxAttempts"/> times, or refused for good with a 5xx).
/// <c>next_attempt_at</c> is when the row is due: created + batch window, then the retry backoff or the hour the cap frees.
/// A recipient's rows are only worked on under a lease (<see cref="TryLeaseAsync"/>), so two instances never send twice.
/// </summary>
public sealed class EmailOutboxStore(Database db)
{
    /// <summary>Row statuses.</summary>
    public static class Status
    {
        public const string Pending = "pending";
        public const string Held = "held";
        public const string Sent = "sent";
        public const string Summarized = "summarized";
        public const string Failed = "failed";
    }

    /// <summary>One outbox row joined with its notification.</summary>
    public sealed class Item
    {
        public string Id { get; set; } = "";
        public string NotificationId { get; set; } = "";
        public string OrgId { get; set; } = "";
        public string UserId { get; set; } = "";
        public string Recipient { get; set; } = "";
        public string Status { get; set; } = "";
        public long CreatedAt { get; set; }
        public int Attempts { get; set; }
        public long NextAttemptAt { get; set; }
        public string Kind { get; set; } = "";
        public string Severity { get; set; } = "";
        public string Title { get; set; } = "";
        public string? Body { get; set; }
        public string? DeviceSerial { get; set; }
        public string? Data { get; set; }
    }

    /// <summary>Queues one row per recipient for notification <paramref name="notificationId"/>, due at <paramref name="dueAt"/>.</summary>
    internal static async Task EnqueueAsync(DbConnection conn, DbTransaction tx, string notificationId, string orgId,
        IEnumerable<(string UserId, string Email)> recipients, long now, long dueAt, CancellationToken ct)
    {
        foreach (var (userId, email) in recipients)
            await conn.ExecuteAsync(new CommandDefinition("""
                INSERT INTO notification_emails (id, notification_id, org_id, user_id, recipient, status, created_at, attempts, next_attempt_at)
                VALUES (@id, @notificationId, @orgId, @userId, @email, 'pending', @now, 0, @dueAt)
                """, new { id = Ids.New(), notificationId, orgId, userId, email, now, dueAt }, tx, cancellationToken: ct));
    }

    /// <summary>Recipients with a pending or held row due at <paramref name="now"/> (at most <paramref name="limit"/>).</summary>
    public async Task<IReadOnlyList<string>> DueRecipientsAsync(long now, int limit, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<string>(new CommandDefinition("""
            SELECT recipient FROM notification_emails WHERE status IN ('pending', 'held') AND next_attempt_at <= @now
            GROUP BY recipient ORDER BY MIN(next_attempt_at) LIMIT @limit
            """, new { now, limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// Takes the recipient's lease for <paramref name="owner"/> until <paramref name="until"/> if it is free (expired) or
    /// already <paramref name="owner"/>'s. True = this instance may work on the recipient's rows now.
    /// </summary>
    public async Task<bool> TryLeaseAsync(string recipient, string owner, long now, long until, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO notification_email_leases (recipient, owner, until_ms) VALUES (@recipient, '', 0)
            ON CONFLICT (recipient) DO NOTHING
            """, new { recipient }, cancellationToken: ct));
        return await conn.ExecuteAsync(new CommandDefinition("""
            UPDATE notification_email_leases SET owner = @owner, until_ms = @until
            WHERE recipient = @recipient AND (until_ms < @now OR owner = @owner)
            """, new { recipient, owner, now, until }, cancellationToken: ct)) == 1;
    }

    /// <summary>Gives the lease back (only if still held by <paramref name="owner"/>).</summary>
    public async Task ReleaseAsync(string recipient, string owner, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "UPDATE notification_email_leases SET until_ms = 0 WHERE recipient = @recipient AND owner = @owner",
            new { recipient, owner }, cancellationToken: ct));
    }

    /// <summary>The recipient's pending and held rows with their notifications, oldest first (at most 500 per pass).</summary>
    public async Task<IReadOnlyList<Item>> OpenItemsAsync(string recipient, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<Item>(new CommandDefinition("""
            SELECT e.id, e.notification_id, e.org_id, e.user_id, e.recipient, e.status, e.created_at, e.attempts, e.next_attempt_at,
                   n.kind, n.severity, n.title, n.body, n.device_serial, n.data
            FROM notification_emails e JOIN notifications n ON n.id = e.notification_id
            WHERE e.recipient = @recipient AND e.status IN ('pending', 'held')
            ORDER BY e.created_at, e.id LIMIT 500
            """, new { recipient }, cancellationToken: ct))).AsList();
    }

    /// <summary>E-mails sent to <paramref name="recipient"/> since <paramref name="since"/>: how many, and the oldest send time.</summary>
    public async Task<(int Count, long? Oldest)> SendsSinceAsync(string recipient, long since, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var r = await conn.QuerySingleAsync<(long Count, long? Oldest)>(new CommandDefinition(
            "SELECT COUNT(*), MIN(sent_at) FROM notification_email_sends WHERE recipient = @recipient AND sent_at >= @since",
            new { recipient, since }, cancellationToken: ct));
        return ((int)r.Count, r.Oldest);
    }

    /// <summary>Records one sent e-mail: <paramref name="sent"/> rows become sent, <paramref name="summarized"/> summarized.</summary>
    public async Task MarkSentAsync(string recipient, string orgId, IReadOnlyCollection<string> sent, IReadOnlyCollection<string> summarized,
        long now, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await SetStatusAsync(conn, tx, sent, Status.Sent, now, ct);
        await SetStatusAsync(conn, tx, summarized, Status.Summarized, now, ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO notification_email_sends (id, recipient, org_id, sent_at, item_count, held_count)
            VALUES (@id, @recipient, @orgId, @now, @items, @held)
            """, new { id = Ids.New(), recipient, orgId, now, items = sent.Count, held = summarized.Count }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    /// <summary>Holds rows back (hourly cap) until <paramref name="until"/>, when they go into a summary line.</summary>
    public async Task MarkHeldAsync(IReadOnlyCollection<string> ids, long until, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var p = new DynamicParameters(new { until });
        await conn.ExecuteAsync(new CommandDefinition(
            $"UPDATE notification_emails SET status = 'held', next_attempt_at = @until WHERE {Database.InList("id", "i", ids, p)}", p,
            cancellationToken: ct));
    }

    /// <summary>
    /// A refused or failed send: one more attempt on every row; due again at <paramref name="retryAt"/>, or failed
    /// (<paramref name="giveUp"/>). Held rows stay held (they are only ever summarised).
    /// </summary>
    public async Task MarkAttemptFailedAsync(IReadOnlyCollection<string> ids, string error, long retryAt, bool giveUp, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var p = new DynamicParameters(new { error = error.Length > 500 ? error[..500] : error, retryAt });
        var status = giveUp ? "'failed'" : "status";
        await conn.ExecuteAsync(new CommandDefinition($"""
            UPDATE notification_emails SET attempts = attempts + 1, last_error = @error, next_attempt_at = @retryAt, status = {status}
            WHERE {Database.InList("id", "i", ids, p)}
            """, p, cancellationToken: ct));
    }

    /// <summary>Rows of one recipient by status (tests and diagnostics).</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountByStatusAsync(string recipient, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<(string Status, long Count)>(new CommandDefinition(
            "SELECT status, COUNT(*) FROM notification_emails WHERE recipient = @recipient GROUP BY status", new { recipient },
            cancellationToken: ct))).ToDictionary(r => r.Status, r => (int)r.Count);
    }

    private static async Task SetStatusAsync(DbConnection conn, DbTransaction tx, IReadOnlyCollection<string> ids, string status, long now,
        CancellationToken ct)
    {
        if (ids.Count == 0) return;
        var p = new DynamicParameters(new { status, now });
        await conn.ExecuteAsync(new CommandDefinition(
            $"UPDATE notification_emails SET status = @status, sent_at = @now WHERE {Database.InList("id", "i", ids, p)}", p, tx,
            cancellationToken: ct));
    }
}
