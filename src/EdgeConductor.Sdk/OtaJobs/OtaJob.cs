using System.Text.Json;

namespace EdgeConductor.Sdk.OtaJobs;

/// <summary>Device counts of a job: targeted (all), queued (waiting for a rollout group), pending, in progress, succeeded, failed, canceled, skipped.</summary>
public sealed record OtaJobCounts(long Targeted, long Queued, long Pending, long InProgress, long Succeeded, long Failed, long Canceled, long Skipped);

/// <summary>One device in a job.</summary>
/// <param name="Serial">The device.</param>
/// <param name="Group">Its rollout group (0 = first).</param>
/// <param name="State">queued, pending, sent, downloading, downloaded, installing, rebooting, succeeded, failed, canceled or skipped.</param>
/// <param name="FromVersion">The version it ran when the job was made.</param>
/// <param name="Progress">0-100 as last reported.</param>
/// <param name="Error">Why it failed (rolled back, timed out, error: …) or was skipped.</param>
/// <param name="Attempts">How many times it was sent the update.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
/// <param name="FinishedAt">When it reached a final state.</param>
public sealed record OtaJobDevice(string Serial, long Group, string State, string? FromVersion, long? Progress, string? Error, long Attempts,
    DateTime UpdatedAt, DateTime? FinishedAt);

/// <summary>An OTA job (seed 001 "Job #12").</summary>
/// <param name="Id">The job id.</param>
/// <param name="Number">Its number in the org.</param>
/// <param name="OrgId">The org.</param>
/// <param name="FirmwareId">The release pushed.</param>
/// <param name="Version">Its version.</param>
/// <param name="ProductType">Its product type.</param>
/// <param name="TargetKind"><c>device</c> or <c>product_type</c>.</param>
/// <param name="Target">The serial or product type.</param>
/// <param name="Status">active, paused, canceled or completed.</param>
/// <param name="StatusReason">Why it is paused (by hand, error threshold, success threshold not met).</param>
/// <param name="AllowDowngrade">Whether older versions may be installed.</param>
/// <param name="Rollout">The staged rollout plan, if any.</param>
/// <param name="CurrentGroup">The rollout group being worked on.</param>
/// <param name="Counts">Device counts by state.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="UpdatedAt">When its status last changed.</param>
/// <param name="Devices">Per-device detail (only when asked for).</param>
public sealed record OtaJob(string Id, long Number, string OrgId, string FirmwareId, string? Version, string? ProductType, string TargetKind, string Target,
    string Status, string? StatusReason, bool AllowDowngrade, JsonElement? Rollout, long CurrentGroup, OtaJobCounts Counts, DateTime CreatedAt,
    DateTime UpdatedAt, IReadOnlyList<OtaJobDevice>? Devices = null);

/// <summary>
/// A staged rollout: <paramref name="Groups"/> are cumulative sizes, a count ("1") or a percentage ("10%"); the next group
/// starts when <paramref name="SuccessThresholdPct"/> of the released devices succeeded (default 100) and
/// <paramref name="WaitMinutes"/> passed; more than <paramref name="ErrorThresholdPct"/> failed (default 10) pauses the job;
/// <paramref name="MaxPerMinute"/> caps releases per minute.
/// </summary>
public sealed record OtaRollout(IReadOnlyList<string> Groups, double? SuccessThresholdPct = null, double? ErrorThresholdPct = null,
    int? MaxPerMinute = null, double? WaitMinutes = null);

/// <summary>A push to every device of a product type in an org.</summary>
public sealed record CreateOtaJobRequest(string FirmwareId, string? ProductType = null, bool? AllowDowngrade = null, OtaRollout? Rollout = null);
