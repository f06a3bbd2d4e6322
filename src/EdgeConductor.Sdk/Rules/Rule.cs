using System.Text.Json;

namespace EdgeConductor.Sdk.Rules;

/// <summary>An automation rule of an org (seed 000 <c>Rule</c>).</summary>
/// <param name="Id">The rule's id.</param>
/// <param name="OrgId">The org it belongs to.</param>
/// <param name="Name">Display name.</param>
/// <param name="RuleType"><c>threshold</c> or <c>schedule</c>.</param>
/// <param name="Condition">Threshold: <c>{"field","op","value"[,"for_seconds","clear_value"]}</c>; schedule: <c>{"time":"HH:MM","days":[…]}</c>.</param>
/// <param name="Action"><c>{"key","value"}</c> set in the device's desired state.</param>
/// <param name="ClearAction">Threshold only: set when the rule leaves firing, if any.</param>
/// <param name="Scope">Which devices: <c>{"product_type","room_id","tags","serials"}</c>; null = all the org's devices.</param>
/// <param name="WebhookUrl">POSTed the seed 001 payload on every fire, if set.</param>
/// <param name="WebhookPreset">null (raw payload), <c>slack</c> or <c>telegram</c>.</param>
/// <param name="Notify">Raise an in-app notification on every fire.</param>
/// <param name="Enabled">Whether the rule runs.</param>
/// <param name="LoopGuard">True when the action writes the field the rule reads (fires are rate-limited per device).</param>
/// <param name="LastFired">When it last fired (UTC), or null.</param>
/// <param name="FireCount">How often it fired.</param>
/// <param name="LastError">The last problem running it, if any.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it was last changed.</param>
public sealed record Rule(string Id, string OrgId, string Name, string RuleType, JsonElement Condition, JsonElement Action,
    JsonElement? ClearAction, JsonElement? Scope, string? WebhookUrl, string? WebhookPreset, bool Notify, bool Enabled, bool LoopGuard,
    DateTimeOffset? LastFired, long FireCount, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A rule action: set <paramref name="Key"/> to <paramref name="Value"/> in the device's desired state.</summary>
/// <param name="Key">The desired-state key (letters, digits, '_').</param>
/// <param name="Value">Any JSON value; null removes the key.</param>
public sealed record RuleAction(string Key, object? Value);

/// <summary>
/// <c>rules.threshold(orgId, { name, field, op, value, action, webhookUrl? })</c> — "IF co2 &gt; 1000 THEN relay = true".
/// <paramref name="Op"/>: <c>&gt; &lt; &gt;= &lt;= == !=</c>. Optional: ForSeconds (the condition must hold that long),
/// ClearValue (hysteresis), ClearAction, Scope, WebhookPreset, Notify.
/// </summary>
/// <param name="Name">Display name.</param>
/// <param name="Field">The telemetry field read, e.g. <c>co2</c>.</param>
/// <param name="Op">The comparison.</param>
/// <param name="Value">The threshold: a number for ordering ops; a number, string or boolean for == and !=.</param>
/// <param name="Action">What to set when the rule fires.</param>
/// <param name="WebhookUrl">POSTed the seed 001 payload on every fire, if set.</param>
public sealed record ThresholdRuleRequest(string Name, string Field, string Op, object Value, RuleAction Action, string? WebhookUrl = null)
{
    /// <summary>Seconds the condition must hold before the rule fires (0–86400); null = at once.</summary>
    public int? ForSeconds { get; init; }
    /// <summary>Hysteresis: a firing rule clears only when the value crosses back past this (ordering ops only).</summary>
    public double? ClearValue { get; init; }
    /// <summary>Set in the device's desired state when the rule leaves firing.</summary>
    public RuleAction? ClearAction { get; init; }
    /// <summary>Which of the org's devices the rule applies to; null = all.</summary>
    public RuleScope? Scope { get; init; }
    /// <summary>null (raw seed payload), <c>slack</c> or <c>telegram</c>; needs a webhook URL.</summary>
    public string? WebhookPreset { get; init; }
    /// <summary>Raise an in-app notification on every fire.</summary>
    public bool? Notify { get; init; }
}

/// <summary><c>rules.schedule(orgId, { name, time, days, action })</c> — "AT 22:00 Mon–Fri THEN relay = false", in the org's time zone.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Time">Local time "HH:MM" (24-hour) in the org's time zone.</param>
/// <param name="Days">Any of mon, tue, wed, thu, fri, sat, sun.</param>
/// <param name="Action">What to set on every device in scope.</param>
public sealed record ScheduleRuleRequest(string Name, string Time, IReadOnlyList<string> Days, RuleAction Action)
{
    /// <summary>Which of the org's devices the rule applies to; null = all.</summary>
    public RuleScope? Scope { get; init; }
    /// <summary>POSTed the seed 001 payload on every fire (absolute http/https URL).</summary>
    public string? WebhookUrl { get; init; }
    /// <summary>null (raw seed payload), <c>slack</c> or <c>telegram</c>; needs a webhook URL.</summary>
    public string? WebhookPreset { get; init; }
    /// <summary>Raise an in-app notification on every fire.</summary>
    public bool? Notify { get; init; }
}

/// <summary>Narrows a rule to some of the org's devices (every member given must match).</summary>
/// <param name="ProductType">Only devices of this product type.</param>
/// <param name="RoomId">Only devices in this room of the org.</param>
/// <param name="Tags">Only devices carrying every one of these tags.</param>
/// <param name="Serials">Only these devices.</param>
public sealed record RuleScope(string? ProductType = null, string? RoomId = null, IReadOnlyList<string>? Tags = null, IReadOnlyList<string>? Serials = null);
