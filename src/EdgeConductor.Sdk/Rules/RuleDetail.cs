using System.Text.Json;

namespace EdgeConductor.Sdk.Rules;

/// <summary>
/// A rule with its explanation (<c>GET /rules/:id</c>): per-device states of a threshold rule (devices never out of
/// <c>ok</c> have no entry), the last 20 scheduled instants and the next one in the org's time zone (schedule rules).
/// </summary>
/// <param name="Id">The rule's id.</param>
/// <param name="OrgId">The org it belongs to.</param>
/// <param name="Name">Display name.</param>
/// <param name="RuleType"><c>threshold</c> or <c>schedule</c>.</param>
/// <param name="Condition">As in <see cref="Rule.Condition"/>.</param>
/// <param name="Action">As in <see cref="Rule.Action"/>.</param>
/// <param name="ClearAction">As in <see cref="Rule.ClearAction"/>.</param>
/// <param name="Scope">As in <see cref="Rule.Scope"/>.</param>
/// <param name="WebhookUrl">POSTed on every fire, if set.</param>
/// <param name="WebhookPreset">null, <c>slack</c> or <c>telegram</c>.</param>
/// <param name="Notify">Raise an in-app notification on every fire.</param>
/// <param name="Enabled">Whether the rule runs.</param>
/// <param name="LoopGuard">True when the action writes the field the rule reads.</param>
/// <param name="LastFired">When it last fired (UTC), or null.</param>
/// <param name="FireCount">How often it fired.</param>
/// <param name="LastError">The last problem running it, if any.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it was last changed.</param>
/// <param name="Devices">Threshold rules: each device's state (ok, pending, firing).</param>
/// <param name="Fires">Schedule rules: the last scheduled instants.</param>
/// <param name="Timezone">Schedule rules: the org's time zone.</param>
/// <param name="NextFire">Schedule rules: the next instant (UTC) while enabled.</param>
public sealed record RuleDetail(string Id, string OrgId, string Name, string RuleType, JsonElement Condition, JsonElement Action,
    JsonElement? ClearAction, JsonElement? Scope, string? WebhookUrl, string? WebhookPreset, bool Notify, bool Enabled, bool LoopGuard,
    DateTimeOffset? LastFired, long FireCount, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    IReadOnlyList<RuleDeviceState> Devices, IReadOnlyList<RuleFire> Fires, string? Timezone, DateTimeOffset? NextFire);

/// <summary>One device's place in a threshold rule's state machine.</summary>
/// <param name="Serial">The device.</param>
/// <param name="State"><c>ok</c>, <c>pending</c> (waiting for for_seconds) or <c>firing</c>.</param>
/// <param name="Since">When it entered the state.</param>
/// <param name="DueAt">Pending: when it fires if the condition still holds.</param>
/// <param name="LastValue">The last value of the rule's field seen.</param>
/// <param name="LastFired">When the rule last fired for this device.</param>
/// <param name="Suppressed">Fires held back by the loop guard.</param>
public sealed record RuleDeviceState(string Serial, string State, DateTimeOffset Since, DateTimeOffset? DueAt, double? LastValue,
    DateTimeOffset? LastFired, long Suppressed);

/// <summary>One scheduled instant of a schedule rule.</summary>
/// <param name="Instant">The instant (UTC).</param>
/// <param name="Status"><c>fired</c>, <c>claimed</c>, <c>missed</c> or <c>debounced</c>.</param>
/// <param name="FinishedAt">When it finished.</param>
/// <param name="Devices">How many devices it acted on.</param>
public sealed record RuleFire(DateTimeOffset Instant, string Status, DateTimeOffset? FinishedAt, long Devices);

/// <summary>The dry run of a rule (<c>POST /rules/:id/test</c>): nothing is stored, sent or audited.</summary>
/// <param name="RuleId">The rule.</param>
/// <param name="DryRun">Always true.</param>
/// <param name="Action">The action that would be applied.</param>
/// <param name="Devices">Each in-scope device (at most 1000).</param>
/// <param name="NextFire">Schedule rules: the next instant (UTC).</param>
public sealed record RuleTestResult(string RuleId, bool DryRun, JsonElement Action, IReadOnlyList<RuleTestDevice> Devices, DateTimeOffset? NextFire);

/// <summary>One in-scope device in a dry run.</summary>
/// <param name="Serial">The device.</param>
/// <param name="Value">Threshold rules: its latest value of the rule's field (JSON), if any in its last 20 readings.</param>
/// <param name="ReadingTs">When that reading was taken.</param>
/// <param name="Matches">Whether the condition holds for it (null: no reading).</param>
/// <param name="State">Its current state (ok, pending, firing).</param>
/// <param name="WouldFire">Whether the rule would act on it now.</param>
public sealed record RuleTestDevice(string Serial, JsonElement? Value, DateTimeOffset? ReadingTs, bool? Matches, string State, bool WouldFire);
