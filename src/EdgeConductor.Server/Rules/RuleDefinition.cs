using System.Text.Json.Nodes;

namespace EdgeConductor.Server.Rules;

/// <summary><c>{"key","value"}</c>: set <see cref="Key"/> to <see cref="Value"/> in the device's desired state.</summary>
public sealed record RuleAction(string Key, JsonNode? Value)
{
    public JsonObject ToJson() => new() { ["key"] = Key, ["value"] = Value?.DeepClone() };

    /// <summary>The desired-state patch: <c>{key: value}</c>.</summary>
    public JsonObject ToPatch() => new() { [Key] = Value?.DeepClone() };
}

/// <summary>
/// Threshold condition: <c>{"field","op","value"}</c> plus the optional <c>for_seconds</c> (the condition must hold this long
/// before the rule fires) and <c>clear_value</c> (hysteresis: a firing rule clears only when the value crosses back past it).
/// </summary>
public sealed record ThresholdCondition(string Field, string Op, JsonNode Value, int ForSeconds, double? ClearValue);

/// <summary>Schedule condition: <c>{"time":"HH:MM","days":["mon",…]}</c>, local time in the org's time zone.</summary>
public sealed record ScheduleCondition(string Time, int Hour, int Minute, IReadOnlyList<string> Days)
{
    public bool RunsOn(DayOfWeek d) => Days.Any(x => RuleTypes.ToDayOfWeek(x) == d);
}

/// <summary>
/// Which of the org's devices a rule applies to: all of them, narrowed by each member given (they combine with AND;
/// <c>tags</c>: the device has every tag listed; <c>serials</c>: the device is one of them).
/// </summary>
public sealed record RuleScope(string? ProductType, string? RoomId, IReadOnlyList<string> Tags, IReadOnlyList<string> Serials)
{
    public static readonly RuleScope All = new(null, null, [], []);

    public bool IsAll => ProductType is null && RoomId is null && Tags.Count == 0 && Serials.Count == 0;

    public bool Contains(string serial, string productType, string? roomId, IReadOnlyCollection<string> tags) =>
        (ProductType is null || ProductType == productType)
        && (RoomId is null || RoomId == roomId)
        && (Serials.Count == 0 || Serials.Contains(serial))
        && Tags.All(tags.Contains);
}

/// <summary>A rule as the engine uses it: the row plus its parsed parts.</summary>
public sealed record Rule(RuleRecord Record, ThresholdCondition? Threshold, ScheduleCondition? Schedule, RuleAction Action,
    RuleAction? ClearAction, RuleScope Scope)
{
    public string Id => Record.Id;
    public string OrgId => Record.OrgId;

    /// <summary>
    /// The loop guard applies: the rule's action (or clear action) writes the field the rule reads, so a device that
    /// echoes desired state into telemetry could make it oscillate. Such rules fire at most once per
    /// <see cref="RulesOptions.LoopGuardInterval"/> per device.
    /// </summary>
    public bool LoopRisk => Threshold is { } t && (t.Field == Action.Key || t.Field == ClearAction?.Key);
}
