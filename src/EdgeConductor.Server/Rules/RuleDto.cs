using System.Text.Json.Nodes;
using EdgeConductor.Server.Common;

namespace EdgeConductor.Server.Rules;

/// <summary>
/// A rule as the API returns it (seed 000 <c>Rule</c>): condition, action, the optional clear_action and scope as sent
/// (normalised), <c>loop_guard</c> true when the action writes the field the rule reads (rate-limited, see docs/rules.md),
/// <c>last_fired</c> (ISO-8601 UTC) and the fire count.
/// </summary>
public record RuleDto(
    string Id, string OrgId, string Name, string RuleType, JsonNode Condition, JsonNode Action, JsonNode? ClearAction,
    JsonNode? Scope, string? WebhookUrl, string? WebhookPreset, bool Notify, bool Enabled, bool LoopGuard,
    DateTime? LastFired, long FireCount, string? LastError, DateTime? LastErrorAt, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static RuleDto From(RuleRecord r) => new(r.Id, r.OrgId, r.Name, r.RuleType, JsonNode.Parse(r.Condition)!,
        JsonNode.Parse(r.Action)!, r.ClearAction is null ? null : JsonNode.Parse(r.ClearAction), r.Scope is null ? null : JsonNode.Parse(r.Scope),
        r.WebhookUrl, r.WebhookPreset, r.Notify == 1, r.Enabled == 1, RuleParser.Read(r).LoopRisk, Times.ToUtc(r.LastFired), r.FireCount,
        r.LastError, Times.ToUtc(r.LastErrorAt), Times.ToUtc(r.CreatedAt), Times.ToUtc(r.UpdatedAt));
}

/// <summary>One device's place in a threshold rule's state machine (<c>ok</c>, <c>pending</c>, <c>firing</c>).</summary>
public sealed record RuleDeviceStateDto(string Serial, string State, DateTime Since, DateTime? DueAt, double? LastValue,
    DateTime? LastFired, long Suppressed)
{
    public static RuleDeviceStateDto From(RuleDeviceState s) => new(s.SerialNo, s.State, Times.ToUtc(s.Since), Times.ToUtc(s.DueAt),
        s.LastValue, Times.ToUtc(s.LastFired), s.Suppressed);
}

/// <summary>One scheduled instant of a schedule rule: <c>fired</c>, <c>claimed</c> (running), <c>missed</c> or <c>debounced</c>.</summary>
public sealed record RuleFireDto(DateTime Instant, string Status, DateTime? FinishedAt, long Devices)
{
    public static RuleFireDto From(RuleStore.FireRow f) => new(Times.ToUtc(f.Instant), f.Status, Times.ToUtc(f.FinishedAt), f.Devices);
}

/// <summary>
/// <c>GET /rules/:id</c>: the rule plus its explanation — per-device states (threshold rules; devices never out of
/// <c>ok</c> have no entry), the last 20 scheduled instants and the next one with the org's time zone (schedule rules).
/// </summary>
public sealed record RuleDetailDto(
    string Id, string OrgId, string Name, string RuleType, JsonNode Condition, JsonNode Action, JsonNode? ClearAction,
    JsonNode? Scope, string? WebhookUrl, string? WebhookPreset, bool Notify, bool Enabled, bool LoopGuard,
    DateTime? LastFired, long FireCount, string? LastError, DateTime? LastErrorAt, DateTime CreatedAt, DateTime UpdatedAt,
    IReadOnlyList<RuleDeviceStateDto> Devices, IReadOnlyList<RuleFireDto> Fires, string? Timezone, DateTime? NextFire);

/// <summary>One in-scope device in a dry run: its latest value of the rule's field and whether the rule would act.</summary>
public sealed record RuleTestDeviceDto(string Serial, JsonNode? Value, DateTime? ReadingTs, bool? Matches, string State, bool WouldFire);

/// <summary>
/// <c>POST /rules/:id/test</c>: the rule evaluated against each in-scope device's latest readings without acting
/// (threshold), or the devices a schedule rule would act on and when (schedule).
/// </summary>
public sealed record RuleTestResultDto(string RuleId, bool DryRun, JsonNode Action, IReadOnlyList<RuleTestDeviceDto> Devices, DateTime? NextFire);

/// <summary>The answer to <c>DELETE /rules/:id</c>.</summary>
public sealed record RuleDeletedDto(bool Deleted, string Id);
