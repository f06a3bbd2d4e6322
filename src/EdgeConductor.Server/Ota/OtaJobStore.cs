using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Ota;

/// <summary>
/// OTA jobs and the per-device state machine, all in the database. Every state change is one conditional UPDATE
/// (<c>WHERE state = …</c>), so two server instances, or a status report racing a timeout, never both win.
/// </summary>
public sealed class OtaJobStore(Database db, TimeProvider clock)
{
    private static readonly string NonTerminal = $"('{OtaStates.Queued}','{OtaStates.Pending}','{OtaStates.Sent}','{OtaStates.Downloading}','{OtaStates.Downloaded}','{OtaStates.Installing}','{OtaStates.Rebooting}')";
    private static readonly string InFlight = $"('{OtaStates.Sent}','{OtaStates.Downloading}','{OtaStates.Downloaded}','{OtaStates.Installing}','{OtaStates.Rebooting}')";

    private const string DeliverySelect = """
        SELECT jd.job_id AS JobId, j.number AS JobNumber, j.org_id AS OrgId, jd.device_id AS DeviceId, jd.serial AS Serial,
               jd.state AS State, f.id AS FirmwareId, f.version AS Version, f.sha256 AS Sha256, f.size AS Size, f.signature AS Signature
        FROM ota_job_devices jd
        JOIN ota_jobs j ON j.id = jd.job_id
        JOIN firmware_releases f ON f.id = j.firmware_id
        """;

    /// <summary>
    /// Inserts the job with the org's next number (1, 2, …) and its devices, in one transaction; a concurrent push that
    /// took the same number makes this one retry with the next.
    /// </summary>
    public async Task<OtaJob> CreateAsync(OtaJob job, IReadOnlyList<OtaJobDevice> devices, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var conn = await db.OpenAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            try
            {
                job.Number = await conn.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(number), 0) + 1 FROM ota_jobs WHERE org_id = @OrgId", job, tx);
                await conn.ExecuteAsync("""
                    INSERT INTO ota_jobs (id, org_id, number, firmware_id, target_kind, target, allow_downgrade, status, status_reason, rollout,
                                          current_group, group_started_at, created_by, created_at, updated_at)
                    VALUES (@Id, @OrgId, @Number, @FirmwareId, @TargetKind, @Target, @AllowDowngrade, @Status, @StatusReason, @Rollout,
                            @CurrentGroup, @GroupStartedAt, @CreatedBy, @CreatedAt, @UpdatedAt)
                    """, job, tx);
                foreach (var d in devices)
                {
                    d.JobId = job.Id;
                    await conn.ExecuteAsync("""
                        INSERT INTO ota_job_devices (job_id, device_id, serial, group_no, state, from_version, progress, error, attempts,
                                                     released_at, sent_at, deadline_at, state_changed_at, finished_at)
                        VALUES (@JobId, @DeviceId, @Serial, @GroupNo, @State, @FromVersion, @Progress, @Error, @Attempts,
                                @ReleasedAt, @SentAt, @DeadlineAt, @StateChangedAt, @FinishedAt)
                        """, d, tx);
                }
                await tx.CommitAsync(ct);
                return job;
            }
            catch (Exception ex) when (Database.IsUniqueViolation(ex) && attempt < 5)
            {
                await tx.RollbackAsync(CancellationToken.None);
            }
        }
    }

    public async Task<OtaJob?> FindAsync(string id, AccessScope scope, CancellationToken ct)
    {
        var p = new DynamicParameters(new { id });
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<OtaJob>($"SELECT * FROM ota_jobs WHERE id = @id AND {scope.OrgFilter("org_id", p)}", p);
    }

    public async Task<OtaJob?> FindByNumberAsync(string orgId, long number, AccessScope scope, CancellationToken ct)
    {
        var p = new DynamicParameters(new { orgId, number });
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<OtaJob>(
            $"SELECT * FROM ota_jobs WHERE org_id = @orgId AND number = @number AND {scope.OrgFilter("org_id", p)}", p);
    }

    public async Task<OtaJob?> FindUnscopedAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<OtaJob>("SELECT * FROM ota_jobs WHERE id = @id", new { id });
    }

    /// <summary>Jobs the caller can see, newest first.</summary>
    public async Task<IReadOnlyList<OtaJob>> ListAsync(AccessScope scope, string? orgId, Paging page, CancellationToken ct)
    {
        var p = new DynamicParameters(new { page.Limit, page.Offset, orgId });
        var where = scope.OrgFilter("org_id", p);
        if (orgId is not null) where += " AND org_id = @orgId";
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<OtaJob>($"SELECT * FROM ota_jobs WHERE {where} ORDER BY created_at DESC, number DESC LIMIT @Limit OFFSET @Offset", p)).AsList();
    }

    public async Task<IReadOnlyList<OtaJobDevice>> DevicesAsync(string jobId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<OtaJobDevice>("SELECT * FROM ota_job_devices WHERE job_id = @jobId ORDER BY group_no, serial", new { jobId })).AsList();
    }

    /// <summary>Device counts by state for each job.</summary>
    public async Task<Dictionary<string, Dictionary<string, long>>> CountsAsync(IReadOnlyCollection<string> jobIds, CancellationToken ct)
    {
        var result = jobIds.ToDictionary(id => id, _ => new Dictionary<string, long>());
        if (jobIds.Count == 0) return result;
        var p = new DynamicParameters();
        await using var conn = await db.OpenAsync(ct);
        var rows = await conn.QueryAsync<(string JobId, string State, long N)>(
            $"SELECT job_id, state, COUNT(*) FROM ota_job_devices WHERE {Database.InList("job_id", "job", jobIds, p)} GROUP BY job_id, state", p);
        foreach (var (jobId, state, n) in rows) result[jobId][state] = n;
        return result;
    }

    /// <summary>Is a job that is not finished (active or paused, or with devices still working) using this release?</summary>
    public async Task<bool> FirmwareInUseAsync(string firmwareId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long>($"""
            SELECT COUNT(*) FROM ota_jobs j WHERE j.firmware_id = @firmwareId
              AND (j.status IN ('{OtaJobStatuses.Active}','{OtaJobStatuses.Paused}')
                   OR EXISTS (SELECT 1 FROM ota_job_devices jd WHERE jd.job_id = j.id AND jd.state IN {InFlight}))
            """, new { firmwareId }) > 0;
    }

    /// <summary>The device's unfinished job device (at most one: a new push supersedes the old), with its firmware.</summary>
    public async Task<OtaDelivery?> CurrentForDeviceAsync(string deviceId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<OtaDelivery>(
            $"{DeliverySelect} WHERE jd.device_id = @deviceId AND jd.state IN {NonTerminal} AND jd.state <> '{OtaStates.Queued}' ORDER BY j.created_at DESC",
            new { deviceId });
    }

    /// <summary>One job device with its firmware, whatever its state.</summary>
    public async Task<OtaDelivery?> DeliveryAsync(string jobId, string deviceId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<OtaDelivery>($"{DeliverySelect} WHERE jd.job_id = @jobId AND jd.device_id = @deviceId", new { jobId, deviceId });
    }

    /// <summary>Released devices of active jobs still waiting to be sent (for the worker's delivery pass).</summary>
    public async Task<IReadOnlyList<OtaDelivery>> PendingAsync(string jobId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<OtaDelivery>(
            $"{DeliverySelect} WHERE jd.job_id = @jobId AND jd.state = '{OtaStates.Pending}' AND j.status = '{OtaJobStatuses.Active}'", new { jobId })).AsList();
    }

    /// <summary>
    /// The claim that makes a send happen once: pending → sent (attempt counted, deadline set) only while the job is
    /// active. False when another instance, poll or subscribe already took it, or the job is paused or canceled.
    /// </summary>
    public async Task<bool> ClaimSendAsync(string jobId, string deviceId, long deadline, CancellationToken ct)
    {
        var now = clock.Ms();
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync($"""
            UPDATE ota_job_devices SET state = '{OtaStates.Sent}', sent_at = @now, deadline_at = @deadline, attempts = attempts + 1,
                   state_changed_at = @now, progress = NULL
            WHERE job_id = @jobId AND device_id = @deviceId AND state = '{OtaStates.Pending}'
              AND EXISTS (SELECT 1 FROM ota_jobs j WHERE j.id = @jobId AND j.status = '{OtaJobStatuses.Active}')
            """, new { jobId, deviceId, deadline, now }) == 1;
    }

    /// <summary>Undoes <see cref="ClaimSendAsync"/> when nobody was listening after all.</summary>
    public async Task UnclaimSendAsync(string jobId, string deviceId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync($"""
            UPDATE ota_job_devices SET state = '{OtaStates.Pending}', deadline_at = NULL, attempts = attempts - 1
            WHERE job_id = @jobId AND device_id = @deviceId AND state = '{OtaStates.Sent}'
            """, new { jobId, deviceId });
    }

    /// <summary>
    /// Moves a device to <paramref name="state"/> if it is in one of <paramref name="from"/> (default: any non-terminal
    /// state). Terminal states set finished_at and clear the deadline. True when the row changed.
    /// </summary>
    public async Task<bool> TransitionAsync(string jobId, string deviceId, string state, long? progress, string? error, long? deadline,
        IReadOnlyCollection<string>? from, CancellationToken ct)
    {
        var now = clock.Ms();
        var p = new DynamicParameters(new { jobId, deviceId, state, progress, error, deadline, now, finished = OtaStates.IsTerminal(state) ? now : (long?)null });
        var fromSql = from is null ? $"state IN {NonTerminal}" : Database.InList("state", "from", from, p);
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync($"""
            UPDATE ota_job_devices SET state = @state, progress = COALESCE(@progress, progress), error = COALESCE(@error, error),
                   deadline_at = @deadline, state_changed_at = CASE WHEN state = @state THEN state_changed_at ELSE @now END, finished_at = @finished
            WHERE job_id = @jobId AND device_id = @deviceId AND {fromSql}
            """, p) == 1;
    }

    /// <summary>Cancels the device's unfinished rows in other jobs (a newer push supersedes them). Returns the job ids touched.</summary>
    public async Task<IReadOnlyList<string>> SupersedeAsync(string deviceId, string exceptJobId, long newNumber, CancellationToken ct)
    {
        var now = clock.Ms();
        await using var conn = await db.OpenAsync(ct);
        var jobs = (await conn.QueryAsync<string>($"SELECT job_id FROM ota_job_devices WHERE device_id = @deviceId AND job_id <> @exceptJobId AND state IN {NonTerminal}",
            new { deviceId, exceptJobId })).AsList();
        await conn.ExecuteAsync($"""
            UPDATE ota_job_devices SET state = '{OtaStates.Canceled}', error = @error, deadline_at = NULL, state_changed_at = @now, finished_at = @now
            WHERE device_id = @deviceId AND job_id <> @exceptJobId AND state IN {NonTerminal}
            """, new { deviceId, exceptJobId, now, error = $"superseded by job #{newNumber}" });
        return jobs;
    }

    // ---- the worker ----

    /// <summary>
    /// Takes the lease of up to <paramref name="max"/> unfinished jobs for <paramref name="owner"/> (those nobody holds,
    /// whose lease ran out, or already this owner's), so two instances never advance one job at once.
    /// </summary>
    public async Task<IReadOnlyList<OtaJob>> LeaseJobsAsync(string owner, TimeSpan lease, int max, CancellationToken ct)
    {
        var now = clock.Ms();
        var until = now + (long)lease.TotalMilliseconds;
        await using var conn = await db.OpenAsync(ct);
        var candidates = (await conn.QueryAsync<string>($"""
            SELECT id FROM ota_jobs WHERE (status = '{OtaJobStatuses.Active}'
                   OR (status <> '{OtaJobStatuses.Completed}' AND EXISTS (SELECT 1 FROM ota_job_devices jd WHERE jd.job_id = ota_jobs.id AND jd.state IN {InFlight})))
              AND (lease_owner IS NULL OR lease_until < @now OR lease_owner = @owner)
            ORDER BY created_at LIMIT @max
            """, new { now, owner, max })).AsList();
        var leased = new List<OtaJob>();
        foreach (var id in candidates)
        {
            var took = await conn.ExecuteAsync("""
                UPDATE ota_jobs SET lease_owner = @owner, lease_until = @until
                WHERE id = @id AND (lease_owner IS NULL OR lease_until < @now OR lease_owner = @owner)
                """, new { id, owner, until, now });
            if (took == 1 && await conn.QuerySingleOrDefaultAsync<OtaJob>("SELECT * FROM ota_jobs WHERE id = @id", new { id }) is { } job)
                leased.Add(job);
        }
        return leased;
    }

    /// <summary>Gives up every lease of <paramref name="owner"/> (a clean shutdown), so another instance takes the jobs at once.</summary>
    public async Task ReleaseLeasesAsync(string owner, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("UPDATE ota_jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = @owner", new { owner });
    }

    /// <summary>Devices of the job whose phase deadline passed.</summary>
    public async Task<IReadOnlyList<OtaJobDevice>> ExpiredAsync(string jobId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<OtaJobDevice>(
            $"SELECT * FROM ota_job_devices WHERE job_id = @jobId AND state IN {InFlight} AND deadline_at IS NOT NULL AND deadline_at < @now",
            new { jobId, now = clock.Ms() })).AsList();
    }

    /// <summary>How many devices of the job were released (queued → pending) since <paramref name="since"/>.</summary>
    public async Task<long> ReleasedSinceAsync(string jobId, long since, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM ota_job_devices WHERE job_id = @jobId AND released_at >= @since", new { jobId, since });
    }

    /// <summary>Releases up to <paramref name="max"/> queued devices of groups up to <paramref name="group"/>; returns them.</summary>
    public async Task<IReadOnlyList<OtaJobDevice>> ReleaseAsync(string jobId, long group, int max, CancellationToken ct)
    {
        var now = clock.Ms();
        await using var conn = await db.OpenAsync(ct);
        var rows = (await conn.QueryAsync<OtaJobDevice>(
            $"SELECT * FROM ota_job_devices WHERE job_id = @jobId AND state = '{OtaStates.Queued}' AND group_no <= @group ORDER BY group_no, serial LIMIT @max",
            new { jobId, group, max })).AsList();
        var released = new List<OtaJobDevice>();
        foreach (var r in rows)
        {
            var n = await conn.ExecuteAsync($"""
                UPDATE ota_job_devices SET state = '{OtaStates.Pending}', released_at = @now, state_changed_at = @now
                WHERE job_id = @jobId AND device_id = @DeviceId AND state = '{OtaStates.Queued}'
                """, new { jobId, r.DeviceId, now });
            if (n == 1) released.Add(r);
        }
        return released;
    }

    /// <summary>Counts by state of the devices in groups up to <paramref name="group"/>, and of the whole job.</summary>
    public async Task<(Dictionary<string, long> Released, Dictionary<string, long> All, long MaxGroup)> GroupCountsAsync(string jobId, long group, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var rows = await conn.QueryAsync<(long GroupNo, string State, long N)>(
            "SELECT group_no, state, COUNT(*) FROM ota_job_devices WHERE job_id = @jobId GROUP BY group_no, state", new { jobId });
        var released = new Dictionary<string, long>();
        var all = new Dictionary<string, long>();
        long maxGroup = 0;
        foreach (var (g, state, n) in rows)
        {
            maxGroup = Math.Max(maxGroup, g);
            all[state] = all.GetValueOrDefault(state) + n;
            if (g <= group) released[state] = released.GetValueOrDefault(state) + n;
        }
        return (released, all, maxGroup);
    }

    /// <summary>Moves the job to the next group (only from <paramref name="from"/>: one instance wins).</summary>
    public async Task<bool> AdvanceGroupAsync(string jobId, long from, CancellationToken ct)
    {
        var now = clock.Ms();
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync(
            "UPDATE ota_jobs SET current_group = @next, group_started_at = @now, updated_at = @now WHERE id = @jobId AND current_group = @from",
            new { jobId, from, next = from + 1, now }) == 1;
    }

    /// <summary>Sets the job's status if it is one of <paramref name="from"/>. True when it changed.</summary>
    public async Task<bool> SetStatusAsync(string jobId, IReadOnlyCollection<string> from, string status, string? reason, CancellationToken ct)
    {
        var p = new DynamicParameters(new { jobId, status, reason, now = clock.Ms() });
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync(
            $"UPDATE ota_jobs SET status = @status, status_reason = @reason, updated_at = @now WHERE id = @jobId AND {Database.InList("status", "from", from, p)}", p) == 1;
    }

    /// <summary>Cancels the job's devices that have not got the update yet (queued, pending). Returns their device ids.</summary>
    public async Task<IReadOnlyList<string>> CancelWaitingAsync(string jobId, CancellationToken ct)
    {
        var now = clock.Ms();
        await using var conn = await db.OpenAsync(ct);
        var ids = (await conn.QueryAsync<string>(
            $"SELECT device_id FROM ota_job_devices WHERE job_id = @jobId AND state IN ('{OtaStates.Queued}','{OtaStates.Pending}')", new { jobId })).AsList();
        await conn.ExecuteAsync($"""
            UPDATE ota_job_devices SET state = '{OtaStates.Canceled}', error = 'job canceled', state_changed_at = @now, finished_at = @now
            WHERE job_id = @jobId AND state IN ('{OtaStates.Queued}','{OtaStates.Pending}')
            """, new { jobId, now });
        return ids;
    }
}
