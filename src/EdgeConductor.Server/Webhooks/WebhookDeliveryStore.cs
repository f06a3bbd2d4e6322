using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Webhooks;

/// <summary>
/// The durable outbox and delivery log (<c>webhook_deliveries</c>) and per-endpoint state (<c>webhook_endpoints</c>).
/// Workers claim due rows with a token and a lease (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL, the single writer on
/// SQLite), so two server instances on one database never send the same attempt twice; a crashed instance's claims
/// expire with their lease and are taken again.
/// </summary>
public sealed class WebhookDeliveryStore(Database db)
{
    /// <summary>An endpoint's stored state (org + URL). Times are Unix ms.</summary>
    public sealed class EndpointRow
    {
        public string OrgId { get; set; } = "";
        public string Url { get; set; } = "";
        public long ConsecutiveFailures { get; set; }
        public long? OpenUntil { get; set; }
        public long? FailingNotifiedAt { get; set; }
        public long? DisabledAt { get; set; }
    }

    public async Task InsertAsync(WebhookDeliveryRow d, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO webhook_deliveries (id, message_id, org_id, rule_id, url, preset, event_type, payload, status, attempts,
                next_attempt_at, response_code, latency_ms, last_error, replay_of, created_at, updated_at, completed_at)
            VALUES (@Id, @MessageId, @OrgId, @RuleId, @Url, @Preset, @EventType, @Payload, @Status, @Attempts,
                @NextAttemptAt, @ResponseCode, @LatencyMs, @LastError, @ReplayOf, @CreatedAt, @UpdatedAt, @CompletedAt)
            """, d);
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due pending deliveries (next attempt at or before <paramref name="now"/>, not
    /// held by a live claim) whose URL is not in <paramref name="busyUrls"/>; they are held until <paramref name="until"/>.
    /// </summary>
    public async Task<IReadOnlyList<WebhookDeliveryRow>> ClaimDueAsync(string token, long now, long until, int limit,
        IReadOnlyCollection<string> busyUrls, CancellationToken ct)
    {
        var p = new DynamicParameters(new { token, now, until, limit });
        var notBusy = "NOT (" + Database.InList("url", "busy", busyUrls, p) + ")";
        var skipLocked = db.Engine == DbEngine.Postgres ? " FOR UPDATE SKIP LOCKED" : "";
        const string due = "status = 'pending' AND next_attempt_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)";
        await using var conn = await db.OpenAsync(ct);
        var claimed = await conn.ExecuteAsync($"""
            UPDATE webhook_deliveries SET claim_token = @token, claimed_until = @until
            WHERE {due} AND id IN (
                SELECT id FROM webhook_deliveries WHERE {due} AND {notBusy}
                ORDER BY next_attempt_at, id LIMIT @limit{skipLocked})
            """, p);
        if (claimed == 0) return [];
        return (await conn.QueryAsync<WebhookDeliveryRow>(
            "SELECT * FROM webhook_deliveries WHERE claim_token = @token AND status = 'pending' ORDER BY created_at, id", new { token })).ToList();
    }

    /// <summary>Records an attempt's outcome and releases the claim (only while <paramref name="token"/> still holds it).</summary>
    public async Task<bool> RecordAttemptAsync(string id, string token, string status, long? nextAttemptAt, int? responseCode,
        long? latencyMs, string? error, bool countsAsAttempt, long now, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("""
            UPDATE webhook_deliveries SET status = @status, next_attempt_at = @nextAttemptAt,
                attempts = attempts + @inc, response_code = COALESCE(@responseCode, response_code),
                latency_ms = COALESCE(@latencyMs, latency_ms), last_error = @error, updated_at = @now,
                completed_at = @completedAt, claim_token = NULL, claimed_until = NULL
            WHERE id = @id AND claim_token = @token
            """, new
        {
            id, token, status, nextAttemptAt, responseCode, latencyMs, error, now, inc = countsAsAttempt ? 1 : 0,
            completedAt = status == DeliveryStatus.Pending ? (long?)null : now,
        }) == 1;
    }

    public async Task<WebhookDeliveryRow?> FindAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<WebhookDeliveryRow>("SELECT * FROM webhook_deliveries WHERE id = @id", new { id });
    }

    /// <summary>An org's deliveries, newest first, optionally only those with <paramref name="status"/>.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryRow>> ListByOrgAsync(string orgId, string? status, Paging page, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<WebhookDeliveryRow>(
            "SELECT * FROM webhook_deliveries WHERE org_id = @orgId" + (status is null ? "" : " AND status = @status") +
            " ORDER BY created_at DESC, id DESC LIMIT @Limit OFFSET @Offset", new { orgId, status, page.Limit, page.Offset })).ToList();
    }

    /// <summary>A rule's deliveries, newest first.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryRow>> ListByRuleAsync(string ruleId, Paging page, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<WebhookDeliveryRow>(
            "SELECT * FROM webhook_deliveries WHERE rule_id = @ruleId ORDER BY created_at DESC, id DESC LIMIT @Limit OFFSET @Offset",
            new { ruleId, page.Limit, page.Offset })).ToList();
    }

    /// <summary>The endpoint's state, or null when nothing was ever recorded for it.</summary>
    public async Task<EndpointRow?> FindEndpointAsync(string orgId, string url, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<EndpointRow>(
            "SELECT * FROM webhook_endpoints WHERE org_id = @orgId AND url = @url", new { orgId, url });
    }

    /// <summary>A 2xx: the endpoint is healthy again (failure count, breaker and "failing" notice reset).</summary>
    public async Task RecordEndpointSuccessAsync(string orgId, string url, long now, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            UPDATE webhook_endpoints SET consecutive_failures = 0, open_until = NULL, failing_notified_at = NULL, updated_at = @now
            WHERE org_id = @orgId AND url = @url
            """, new { orgId, url, now });
    }

    /// <summary>
    /// A failed attempt: counts it, and opens the breaker until <paramref name="openUntil"/> once the count reaches
    /// <paramref name="threshold"/>. Returns the new consecutive failure count.
    /// </summary>
    public async Task<long> RecordEndpointFailureAsync(string orgId, string url, int threshold, long openUntil, long now, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long>("""
            INSERT INTO webhook_endpoints (org_id, url, consecutive_failures, open_until, updated_at)
            VALUES (@orgId, @url, 1, CASE WHEN @threshold <= 1 THEN @openUntil END, @now)
            ON CONFLICT (org_id, url) DO UPDATE SET
                consecutive_failures = webhook_endpoints.consecutive_failures + 1,
                open_until = CASE WHEN webhook_endpoints.consecutive_failures + 1 >= @threshold THEN @openUntil ELSE webhook_endpoints.open_until END,
                updated_at = @now
            RETURNING consecutive_failures
            """, new { orgId, url, threshold, openUntil, now });
    }

    /// <summary>True exactly once per failing streak (across instances): marks the endpoint notified when it has at least <paramref name="failures"/> failures.</summary>
    public async Task<bool> TryMarkFailingNotifiedAsync(string orgId, string url, int failures, long now, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("""
            UPDATE webhook_endpoints SET failing_notified_at = @now
            WHERE org_id = @orgId AND url = @url AND failing_notified_at IS NULL AND consecutive_failures >= @failures
            """, new { orgId, url, failures, now }) == 1;
    }

    /// <summary>The receiver answered 410 Gone: the org's deliveries to this URL stop (stored; a replay re-enables it).</summary>
    public async Task DisableEndpointAsync(string orgId, string url, long now, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO webhook_endpoints (org_id, url, consecutive_failures, disabled_at, updated_at) VALUES (@orgId, @url, 0, @now, @now)
            ON CONFLICT (org_id, url) DO UPDATE SET disabled_at = @now, updated_at = @now
            """, new { orgId, url, now });
    }

    /// <summary>An operator's replay: the endpoint is enabled again and its breaker closed.</summary>
    public async Task ResetEndpointAsync(string orgId, string url, long now, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            UPDATE webhook_endpoints SET disabled_at = NULL, open_until = NULL, consecutive_failures = 0, failing_notified_at = NULL,
                updated_at = @now
            WHERE org_id = @orgId AND url = @url
            """, new { orgId, url, now });
    }
}
