using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Rules;

/// <summary>The rules tables: rules, rule_device_state (threshold state machines), rule_fires (schedule idempotency keys).</summary>
public sealed class RuleStore(Database db)
{
    /// <summary>One scheduled instant of a schedule rule and what became of it: claimed, fired, missed or debounced.</summary>
    public sealed class FireRow
    {
        public string RuleId { get; set; } = "";
        public long Instant { get; set; }
        public string Status { get; set; } = "";
        public long ClaimedAt { get; set; }
        public long? FinishedAt { get; set; }
        public long Devices { get; set; }
    }

    public async Task CreateAsync(RuleRecord r, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO rules (id, org_id, name, rule_type, condition, action, clear_action, scope, webhook_url, webhook_preset,
                notify, enabled, fire_count, schedule_since, created_at, updated_at)
            VALUES (@Id, @OrgId, @Name, @RuleType, @Condition, @Action, @ClearAction, @Scope, @WebhookUrl, @WebhookPreset,
                @Notify, @Enabled, 0, @ScheduleSince, @CreatedAt, @UpdatedAt)
            """, r);
    }

    public async Task<RuleRecord?> FindAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<RuleRecord>("SELECT * FROM rules WHERE id = @id", new { id });
    }

    public async Task<IReadOnlyList<RuleRecord>> ListAsync(string orgId, Paging page, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<RuleRecord>(
            "SELECT * FROM rules WHERE org_id = @orgId ORDER BY created_at, id LIMIT @Limit OFFSET @Offset",
            new { orgId, page.Limit, page.Offset })).AsList();
    }

    /// <summary>The org's enabled rules of one type (the engine's cache).</summary>
    public async Task<IReadOnlyList<RuleRecord>> EnabledAsync(string orgId, string ruleType, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<RuleRecord>(
            "SELECT * FROM rules WHERE org_id = @orgId AND rule_type = @ruleType AND enabled = 1", new { orgId, ruleType })).AsList();
    }

    /// <summary>Every enabled schedule rule of every org (the schedule worker).</summary>
    public async Task<IReadOnlyList<RuleRecord>> EnabledSchedulesAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<RuleRecord>(
            "SELECT * FROM rules WHERE rule_type = @t AND enabled = 1", new { t = RuleTypes.Schedule })).AsList();
    }

    public async Task UpdateAsync(RuleRecord r, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            UPDATE rules SET name = @Name, condition = @Condition, action = @Action, clear_action = @ClearAction, scope = @Scope,
                webhook_url = @WebhookUrl, webhook_preset = @WebhookPreset, notify = @Notify, enabled = @Enabled,
                schedule_since = @ScheduleSince, updated_at = @UpdatedAt
            WHERE id = @Id
            """, r);
    }

    /// <summary>Deletes the rule with its states and fire records.</summary>
    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync("DELETE FROM rule_device_state WHERE rule_id = @id", new { id }, tx);
        await conn.ExecuteAsync("DELETE FROM rule_fires WHERE rule_id = @id", new { id }, tx);
        await conn.ExecuteAsync("DELETE FROM rules WHERE id = @id", new { id }, tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>Puts every device back to ok (the condition or scope changed, so the old states mean nothing).</summary>
    public async Task ResetStatesAsync(string ruleId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("DELETE FROM rule_device_state WHERE rule_id = @ruleId", new { ruleId });
    }

    public async Task RecordFiredAsync(string ruleId, long at, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("UPDATE rules SET last_fired = @at, fire_count = fire_count + 1 WHERE id = @ruleId", new { ruleId, at });
    }

    public async Task RecordErrorAsync(string ruleId, string error, long at, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("UPDATE rules SET last_error = @error, last_error_at = @at WHERE id = @ruleId",
            new { ruleId, error = error.Length > 500 ? error[..500] : error, at });
    }

    // ---- threshold state machines ----

    public async Task<IReadOnlyList<RuleDeviceState>> StatesAsync(string ruleId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<RuleDeviceState>(
            "SELECT * FROM rule_device_state WHERE rule_id = @ruleId ORDER BY serial_no", new { ruleId })).AsList();
    }

    /// <summary>The states of every rule of an org (loaded with the org's rules).</summary>
    public async Task<IReadOnlyList<RuleDeviceState>> StatesForOrgAsync(string orgId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<RuleDeviceState>(
            "SELECT s.* FROM rule_device_state s JOIN rules r ON r.id = s.rule_id WHERE r.org_id = @orgId", new { orgId })).AsList();
    }

    public async Task<RuleDeviceState?> StateAsync(string ruleId, string deviceId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<RuleDeviceState>(
            "SELECT * FROM rule_device_state WHERE rule_id = @ruleId AND device_id = @deviceId", new { ruleId, deviceId });
    }

    /// <summary>
    /// Writes <paramref name="next"/> if the stored row is still at <paramref name="expectedVersion"/> (0 = no row yet);
    /// <paramref name="next"/>.Version must be expectedVersion + 1. False: another instance moved first.
    /// </summary>
    public async Task<bool> TryWriteStateAsync(RuleDeviceState next, long expectedVersion, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        if (expectedVersion == 0)
        {
            return await conn.ExecuteAsync("""
                INSERT INTO rule_device_state (rule_id, device_id, serial_no, state, since, due_at, last_value, last_fired, suppressed, version, updated_at)
                VALUES (@RuleId, @DeviceId, @SerialNo, @State, @Since, @DueAt, @LastValue, @LastFired, @Suppressed, @Version, @UpdatedAt)
                ON CONFLICT (rule_id, device_id) DO NOTHING
                """, next) == 1;
        }
        var p = new DynamicParameters(next);
        p.Add("expected", expectedVersion);
        return await conn.ExecuteAsync("""
            UPDATE rule_device_state SET state = @State, since = @Since, due_at = @DueAt, last_value = @LastValue, last_fired = @LastFired,
                suppressed = @Suppressed, version = @Version, updated_at = @UpdatedAt
            WHERE rule_id = @RuleId AND device_id = @DeviceId AND version = @expected
            """, p) == 1;
    }

    /// <summary>Pending states whose for_seconds has passed (the sweep; also picks up pending states from before a restart).</summary>
    public async Task<IReadOnlyList<RuleDeviceState>> DuePendingAsync(long now, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<RuleDeviceState>(
            "SELECT * FROM rule_device_state WHERE state = @p AND due_at <= @now LIMIT 1000", new { p = RuleDeviceState.Pending, now })).AsList();
    }

    // ---- schedule instants ----

    /// <summary>Inserts the idempotency key (rule, instant); true for the one caller whose insert won.</summary>
    public async Task<bool> TryClaimInstantAsync(string ruleId, long instant, string status, long now, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("""
            INSERT INTO rule_fires (rule_id, instant, status, claimed_at, finished_at) VALUES (@ruleId, @instant, @status, @now, @finished)
            ON CONFLICT (rule_id, instant) DO NOTHING
            """, new { ruleId, instant, status, now, finished = status == "claimed" ? (long?)null : now }) == 1;
    }

    public async Task FinishInstantAsync(string ruleId, long instant, int devices, long now, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("UPDATE rule_fires SET status = 'fired', finished_at = @now, devices = @devices WHERE rule_id = @ruleId AND instant = @instant",
            new { ruleId, instant, devices, now });
    }

    /// <summary>Claims older than <paramref name="claimedBefore"/> still unfinished, for instants at or after <paramref name="minInstant"/>.</summary>
    public async Task<IReadOnlyList<FireRow>> StaleClaimsAsync(long claimedBefore, long minInstant, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<FireRow>(
            "SELECT rule_id, instant, status, claimed_at, finished_at, devices FROM rule_fires WHERE status = 'claimed' AND claimed_at < @claimedBefore AND instant >= @minInstant",
            new { claimedBefore, minInstant })).AsList();
    }

    /// <summary>Takes over a stale claim; true for the one instance whose update won.</summary>
    public async Task<bool> TryRetakeAsync(FireRow stale, long now, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync(
            "UPDATE rule_fires SET claimed_at = @now WHERE rule_id = @RuleId AND instant = @Instant AND status = 'claimed' AND claimed_at = @ClaimedAt",
            new { now, stale.RuleId, stale.Instant, stale.ClaimedAt }) == 1;
    }

    public async Task<IReadOnlyList<FireRow>> RecentFiresAsync(string ruleId, int limit, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<FireRow>(
            "SELECT rule_id, instant, status, claimed_at, finished_at, devices FROM rule_fires WHERE rule_id = @ruleId ORDER BY instant DESC LIMIT @limit",
            new { ruleId, limit })).AsList();
    }
}
