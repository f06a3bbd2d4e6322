using System.Text;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Gateway;

namespace EdgeConductor.Server.Ota;

/// <summary>
/// The OTA engine: creates jobs, delivers updates (MQTT devices/{serial}/ota through <see cref="IDeviceGateway"/>, polling
/// devices through <c>GET /devices/:serial/commands</c>), applies status reports and version confirmations, and advances
/// jobs (timeouts, retries, rollout groups, thresholds). All state is in <see cref="OtaJobStore"/>.
/// </summary>
public sealed class OtaService(OtaJobStore jobs, FirmwareStore firmware, DeviceStore devices, IDeviceGateway gateway,
    OtaUrls urls, OtaOptions options, TimeProvider clock, ILogger<OtaService> log)
{
    /// <summary>Raised after a job is created or resumed, so the worker looks at it now rather than at its next tick.</summary>
    public event Action? JobsChanged;

    /// <summary>
    /// Creates a job for <paramref name="targets"/>. Devices already on the version, or on a newer one without
    /// <paramref name="allowDowngrade"/>, are <c>skipped</c>; the first rollout group is released at once (unless a rate
    /// limit applies: the worker releases it), and online devices of it are sent the update immediately.
    /// </summary>
    public async Task<OtaJob> CreateJobAsync(string orgId, FirmwareRelease fw, string targetKind, string target, IReadOnlyList<DeviceRecord> targets,
        bool allowDowngrade, RolloutPlan plan, string? createdBy, CancellationToken ct)
    {
        var now = clock.Ms();
        var job = new OtaJob
        {
            Id = Ids.New(), OrgId = orgId, FirmwareId = fw.Id, TargetKind = targetKind, Target = target, AllowDowngrade = allowDowngrade ? 1 : 0,
            Status = OtaJobStatuses.Active, Rollout = plan == RolloutPlan.All ? null : plan.ToJson(), CurrentGroup = 0, GroupStartedAt = now,
            CreatedBy = createdBy, CreatedAt = now, UpdatedAt = now,
        };
        var eligible = new List<DeviceRecord>();
        var rows = new List<OtaJobDevice>();
        foreach (var d in targets)
        {
            var skip = SkipReason(d.FwVersion, fw.Version, allowDowngrade);
            if (skip is null) { eligible.Add(d); continue; }
            rows.Add(new OtaJobDevice { DeviceId = d.Id, Serial = d.SerialNo, State = OtaStates.Skipped, Error = skip, FromVersion = d.FwVersion, StateChangedAt = now, FinishedAt = now });
        }
        var groups = plan.Assign(eligible.Count);
        for (var i = 0; i < eligible.Count; i++)
        {
            var releaseNow = groups[i] == 0 && plan.MaxPerMinute == 0;
            rows.Add(new OtaJobDevice
            {
                DeviceId = eligible[i].Id, Serial = eligible[i].SerialNo, GroupNo = groups[i], FromVersion = eligible[i].FwVersion,
                State = releaseNow ? OtaStates.Pending : OtaStates.Queued, ReleasedAt = releaseNow ? now : null, StateChangedAt = now,
            });
        }
        await jobs.CreateAsync(job, rows, ct);
        foreach (var row in rows.Where(r => r.State != OtaStates.Skipped))
            await jobs.SupersedeAsync(row.DeviceId, job.Id, job.Number, ct);
        foreach (var row in rows.Where(r => r.State == OtaStates.Pending))
        {
            await devices.SetPendingFirmwareAsync(row.DeviceId, fw.Version, urls.Canonical(fw.Id), ct);
            if (await jobs.DeliveryAsync(job.Id, row.DeviceId, ct) is { } delivery) await TryDeliverAsync(delivery, ct);
        }
        JobsChanged?.Invoke();
        return job;
    }

    /// <summary>Why a device on <paramref name="current"/> is not updated to <paramref name="target"/>, or null when it is.</summary>
    public static string? SkipReason(string? current, string target, bool allowDowngrade)
    {
        if (current is null || allowDowngrade) return null;
        var c = FirmwareVersion.Compare(target, current);
        if (c == 0) return $"already on version {current}";
        return c < 0 ? $"downgrade refused: device runs {current}, newer than {target} (push with allow_downgrade)" : null;
    }

    /// <summary>
    /// Sends a released (pending) update to the device if it listens on devices/{serial}/ota here. The pending → sent
    /// claim makes the send happen once across instances; a send nobody received puts it back to pending.
    /// </summary>
    public async Task<bool> TryDeliverAsync(OtaDelivery d, CancellationToken ct)
    {
        if (d.State != OtaStates.Pending || !gateway.IsListening(d.Serial, DeviceChannel.Ota)) return false;
        if (!await jobs.ClaimSendAsync(d.JobId, d.DeviceId, Deadline(OtaStates.Sent), ct)) return false;
        var payload = await MessageAsync(d, ct);
        if (await gateway.SendAsync(d.Serial, DeviceChannel.Ota, Encoding.UTF8.GetBytes(payload.ToJsonString()), ct)) return true;
        await jobs.UnclaimSendAsync(d.JobId, d.DeviceId, ct);
        return false;
    }

    /// <summary>
    /// The message on devices/{serial}/ota (seed 000/001 <c>{"url","version"}</c>) plus sha256, size, job_id and, when the
    /// release is signed, signature (base64).
    /// </summary>
    public async Task<JsonObject> MessageAsync(OtaDelivery d, CancellationToken ct)
    {
        var message = new JsonObject
        {
            ["url"] = await urls.SignedAsync(d.FirmwareId, d.Serial, ct),
            ["version"] = d.Version,
            ["sha256"] = d.Sha256,
            ["size"] = d.Size,
            ["job_id"] = d.JobId,
        };
        if (d.Signature is not null) message["signature"] = d.Signature;
        return message;
    }

    /// <summary>Delivers the device's pending update, if any (it subscribed to its ota topic, or sent its first telemetry).</summary>
    public async Task DeliverPendingAsync(DeviceRef device, CancellationToken ct)
    {
        if (await jobs.CurrentForDeviceAsync(device.Id, ct) is { State: OtaStates.Pending } d) await TryDeliverAsync(d, ct);
    }

    /// <summary>
    /// Adds <c>fw_url</c>, <c>fw_version</c> (seed 001) and fw_sha256, fw_size, fw_job_id, fw_signature to a poll answer
    /// while the device has an update to fetch. When the device itself polls, a pending update counts as sent and
    /// <c>fw_url</c> is its signed download URL; for a user it is the unsigned address.
    /// </summary>
    public async Task ContributeToPollAsync(DeviceRecord device, JsonObject body, bool isDevice, CancellationToken ct)
    {
        var d = await jobs.CurrentForDeviceAsync(device.Id, ct);
        if (d is null || d.State is not (OtaStates.Pending or OtaStates.Sent or OtaStates.Downloading or OtaStates.Downloaded)) return;
        if (isDevice && d.State == OtaStates.Pending && !await jobs.ClaimSendAsync(d.JobId, d.DeviceId, Deadline(OtaStates.Sent), ct))
            return; // paused or canceled meanwhile
        // Only the device itself gets a signed URL; a user looking sees the plain address (pending_fw_url).
        body["fw_url"] = isDevice ? (await MessageAsync(d, ct))["url"]!.DeepClone() : urls.Canonical(d.FirmwareId);
        body["fw_version"] = d.Version;
        body["fw_sha256"] = d.Sha256;
        body["fw_size"] = d.Size;
        body["fw_job_id"] = d.JobId;
        if (d.Signature is not null) body["fw_signature"] = d.Signature;
    }

    /// <summary>The outcome of a status report: applied (or a harmless repeat), or refused with a reason.</summary>
    public sealed record ReportOutcome(bool Accepted, bool UnknownJob, string? Error, string? State);

    /// <summary>
    /// Applies a device's status report. <c>succeeded</c> counts only with the target <c>fw_version</c> (in the report or
    /// reported before); without it the device waits in <c>rebooting</c> for its version (telemetry or a later report). A
    /// version other than the target after installing is <c>failed: rolled back</c>. Reports about a finished job are
    /// accepted and change nothing.
    /// </summary>
    public async Task<ReportOutcome> ReportAsync(DeviceRef device, OtaStatusReport report, CancellationToken ct)
    {
        var d = report.JobId is { } jobId ? await jobs.DeliveryAsync(jobId, device.Id, ct) : await jobs.CurrentForDeviceAsync(device.Id, ct);
        if (d is null) return new ReportOutcome(false, true, report.JobId is null ? "the device has no OTA update in progress" : $"unknown job_id '{report.JobId}' for this device", null);
        if (report.FwVersion is { } running && await ObserveVersionAsync(device, running, d, ct) is { } decided)
            return new ReportOutcome(true, false, null, decided);
        if (OtaStates.IsTerminal(d.State)) return new ReportOutcome(true, false, null, d.State);
        switch (report.Status)
        {
            case OtaStates.Failed:
                await FinishAsync(d, OtaStates.Failed, "error: " + (report.Error ?? "the device reported failure"), ct);
                return new ReportOutcome(true, false, null, OtaStates.Failed);
            case OtaStates.Succeeded:
                // Not confirmed by a version yet: wait for the device to report the version it runs.
                await jobs.TransitionAsync(d.JobId, d.DeviceId, OtaStates.Rebooting, 100, null, Deadline(OtaStates.Rebooting), null, ct);
                return new ReportOutcome(true, false, null, OtaStates.Rebooting);
            default:
                var progress = report.Status == OtaStates.Downloaded ? 100 : report.Progress;
                await jobs.TransitionAsync(d.JobId, d.DeviceId, report.Status, progress, null, Deadline(report.Status), null, ct);
                return new ReportOutcome(true, false, null, report.Status);
        }
    }

    /// <summary>
    /// The device runs <paramref name="version"/> (a telemetry <c>fw_version</c> or a status report): recorded on the device;
    /// the current update succeeds when it is the target, and fails as rolled back when the device had reported installing
    /// and is back on another version. Returns the state it decided, or null.
    /// </summary>
    public async Task<string?> ObserveVersionAsync(DeviceRef device, string version, OtaDelivery? current, CancellationToken ct)
    {
        await devices.SetFwVersionAsync(device.Id, version, ct);
        var d = current ?? await jobs.CurrentForDeviceAsync(device.Id, ct);
        if (d is null || !OtaStates.InProgress.Contains(d.State)) return null;
        if (FirmwareVersion.Same(version, d.Version))
        {
            await FinishAsync(d, OtaStates.Succeeded, null, ct);
            return OtaStates.Succeeded;
        }
        if (OtaStates.IsPastInstall(d.State))
        {
            await FinishAsync(d, OtaStates.Failed, $"rolled back: device reports {version} after installing {d.Version}", ct);
            return OtaStates.Failed;
        }
        return null;
    }

    /// <summary>The device started fetching the release through its signed URL: sent → downloading.</summary>
    public async Task OnDownloadStartedAsync(string firmwareId, string deviceId, CancellationToken ct)
    {
        if (await jobs.CurrentForDeviceAsync(deviceId, ct) is { State: OtaStates.Sent } d && d.FirmwareId == firmwareId)
            await jobs.TransitionAsync(d.JobId, d.DeviceId, OtaStates.Downloading, 0, null, Deadline(OtaStates.Downloading), [OtaStates.Sent], ct);
    }

    private async Task FinishAsync(OtaDelivery d, string state, string? error, CancellationToken ct)
    {
        if (await jobs.TransitionAsync(d.JobId, d.DeviceId, state, state == OtaStates.Succeeded ? 100 : null, error, null, null, ct))
            await devices.SetPendingFirmwareAsync(d.DeviceId, null, null, ct);
    }

    /// <summary>Pauses an active job: nothing more is released or sent; devices already updating carry on.</summary>
    public Task<bool> PauseAsync(OtaJob job, string reason, CancellationToken ct) =>
        jobs.SetStatusAsync(job.Id, [OtaJobStatuses.Active], OtaJobStatuses.Paused, reason, ct);

    /// <summary>Resumes a paused job.</summary>
    public async Task<bool> ResumeAsync(OtaJob job, CancellationToken ct)
    {
        var changed = await jobs.SetStatusAsync(job.Id, [OtaJobStatuses.Paused], OtaJobStatuses.Active, null, ct);
        if (changed) JobsChanged?.Invoke();
        return changed;
    }

    /// <summary>Cancels a job: devices not yet sent the update are canceled; devices already updating finish (and are tracked).</summary>
    public async Task<bool> CancelAsync(OtaJob job, CancellationToken ct)
    {
        if (!await jobs.SetStatusAsync(job.Id, [OtaJobStatuses.Active, OtaJobStatuses.Paused], OtaJobStatuses.Canceled, "canceled", ct)) return false;
        foreach (var deviceId in await jobs.CancelWaitingAsync(job.Id, ct))
            await devices.SetPendingFirmwareAsync(deviceId, null, null, ct);
        return true;
    }

    /// <summary>
    /// One pass over a job this instance holds the lease of: phase timeouts (retry or fail), then for an active job the
    /// error threshold, the release of queued devices (rate-limited), the next rollout group, delivery to listening
    /// devices, and completion.
    /// </summary>
    public async Task AdvanceAsync(OtaJob job, CancellationToken ct)
    {
        foreach (var expired in await jobs.ExpiredAsync(job.Id, ct))
        {
            var retry = expired.State is OtaStates.Sent or OtaStates.Downloading or OtaStates.Downloaded && expired.Attempts < options.MaxAttempts
                && job.Status == OtaJobStatuses.Active;
            if (retry)
                await jobs.TransitionAsync(job.Id, expired.DeviceId, OtaStates.Pending, null, $"attempt {expired.Attempts} timed out ({expired.State})", null, [expired.State], ct);
            else if (await jobs.TransitionAsync(job.Id, expired.DeviceId, OtaStates.Failed, null, $"timed out ({expired.State})", null, [expired.State], ct))
                await devices.SetPendingFirmwareAsync(expired.DeviceId, null, null, ct);
        }
        if (job.Status != OtaJobStatuses.Active) return;

        var plan = RolloutPlan.FromJson(job.Rollout);
        var (released, all, maxGroup) = await jobs.GroupCountsAsync(job.Id, job.CurrentGroup, ct);
        long Count(Dictionary<string, long> c, params string[] states) => states.Sum(s => c.GetValueOrDefault(s));
        var releasedTotal = released.Values.Sum() - Count(released, OtaStates.Skipped);
        var failed = Count(released, OtaStates.Failed);
        var succeeded = Count(released, OtaStates.Succeeded);
        var waiting = Count(all, OtaStates.Queued);

        // The error threshold protects devices not yet updated; with none left there is nothing to pause for.
        if (waiting > 0 && releasedTotal > 0 && failed * 100.0 / releasedTotal > plan.ErrorThresholdPct)
        {
            if (await PauseAsync(job, $"error threshold exceeded: {failed} of {releasedTotal} devices failed (limit {plan.ErrorThresholdPct} %)", ct))
                log.LogWarning("OTA job #{Number} of org {Org} paused: {Failed} of {Released} failed", job.Number, job.OrgId, failed, releasedTotal);
            return;
        }

        var allowed = plan.MaxPerMinute == 0 ? int.MaxValue
            : (int)Math.Max(0, plan.MaxPerMinute - await jobs.ReleasedSinceAsync(job.Id, clock.Ms() - 60_000, ct));
        if (allowed > 0)
        {
            var fw = await firmware.FindUnscopedAsync(job.FirmwareId, ct);
            foreach (var r in await jobs.ReleaseAsync(job.Id, job.CurrentGroup, Math.Min(allowed, 10_000), ct))
                if (fw is not null) await devices.SetPendingFirmwareAsync(r.DeviceId, fw.Version, urls.Canonical(fw.Id), ct);
        }

        var queuedInReleased = Count(released, OtaStates.Queued);
        if (queuedInReleased == 0 && job.CurrentGroup < maxGroup && releasedTotal > 0)
        {
            var finishedReleased = Count(released, OtaStates.Succeeded, OtaStates.Failed, OtaStates.Canceled);
            var waited = clock.Ms() >= (job.GroupStartedAt ?? 0) + (long)(plan.WaitMinutes * 60_000);
            if (succeeded * 100.0 / releasedTotal >= plan.SuccessThresholdPct)
            {
                if (waited) await jobs.AdvanceGroupAsync(job.Id, job.CurrentGroup, ct);
            }
            else if (finishedReleased == releasedTotal)
            {
                await PauseAsync(job, $"success threshold not met: {succeeded} of {releasedTotal} devices succeeded (needed {plan.SuccessThresholdPct} %)", ct);
                return;
            }
        }

        foreach (var d in await jobs.PendingAsync(job.Id, ct)) await TryDeliverAsync(d, ct);

        var unfinished = all.Where(kv => !OtaStates.IsTerminal(kv.Key)).Sum(kv => kv.Value);
        if (unfinished == 0) await jobs.SetStatusAsync(job.Id, [OtaJobStatuses.Active], OtaJobStatuses.Completed, null, ct);
    }

    private long Deadline(string state) => options.TimeoutFor(state) is { } t ? clock.Ms() + (long)t.TotalMilliseconds : 0;
}
