using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeConductor.Server.Common;

namespace EdgeConductor.Server.Ota;

/// <summary>
/// Device counts of a job (issue 13 "targeted, pending, in progress, succeeded, failed"): targeted = every device of the
/// job; queued = waiting for their rollout group; pending = released, not yet sent; in_progress = sent to rebooting.
/// </summary>
public sealed record OtaJobCounts(long Targeted, long Queued, long Pending, long InProgress, long Succeeded, long Failed, long Canceled, long Skipped)
{
    public static OtaJobCounts From(IReadOnlyDictionary<string, long> byState)
    {
        long C(string s) => byState.GetValueOrDefault(s);
        return new(byState.Values.Sum(), C(OtaStates.Queued), C(OtaStates.Pending), OtaStates.InProgress.Sum(C),
            C(OtaStates.Succeeded), C(OtaStates.Failed), C(OtaStates.Canceled), C(OtaStates.Skipped));
    }
}

/// <summary>One device in a job: its rollout group, state, progress (0-100), error (failed: rolled back / timed out / error: …).</summary>
public sealed record OtaJobDeviceDto(string Serial, long Group, string State, string? FromVersion, long? Progress, string? Error, long Attempts,
    DateTime UpdatedAt, DateTime? FinishedAt)
{
    public static OtaJobDeviceDto From(OtaJobDevice d) => new(d.Serial, d.GroupNo, d.State, d.FromVersion, d.Progress, d.Error, d.Attempts,
        Times.ToUtc(d.StateChangedAt), Times.ToUtc(d.FinishedAt));
}

/// <summary>An OTA job as the API shows it (seed 001 "Job #12"): number, target, firmware, status, rollout, counts, and with <c>?devices=true</c> each device.</summary>
public sealed record OtaJobDto(string Id, long Number, string OrgId, string FirmwareId, string? Version, string? ProductType, string TargetKind, string Target,
    string Status, string? StatusReason, bool AllowDowngrade, JsonElement? Rollout, long CurrentGroup, OtaJobCounts Counts, DateTime CreatedAt, DateTime UpdatedAt)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<OtaJobDeviceDto>? Devices { get; init; }

    public static OtaJobDto From(OtaJob j, FirmwareRelease? fw, IReadOnlyDictionary<string, long> counts, IReadOnlyList<OtaJobDevice>? devices = null) =>
        new(j.Id, j.Number, j.OrgId, j.FirmwareId, fw?.Version, fw?.ProductType, j.TargetKind, j.Target, j.Status, j.StatusReason, j.AllowDowngrade == 1,
            j.Rollout is null ? null : JsonDocument.Parse(j.Rollout).RootElement.Clone(), j.CurrentGroup, OtaJobCounts.From(counts),
            Times.ToUtc(j.CreatedAt), Times.ToUtc(j.UpdatedAt))
        {
            Devices = devices?.Select(OtaJobDeviceDto.From).ToList(),
        };
}

/// <summary>The answer to <c>POST /devices/:serial/ota</c>: the job made, and whether the device got it live over MQTT.</summary>
public sealed record OtaPushResponse(bool Ok, string JobId, long JobNumber, string Version, bool Delivered, string State);
