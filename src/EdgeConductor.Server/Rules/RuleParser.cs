using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Rules;

/// <summary>
/// Validates rule parts sent by clients (400 naming the field, e.g. <c>condition.op</c>) and reads them back from their
/// stored JSON. Stored JSON is always what this class wrote, so reading it back cannot fail on valid rows.
/// </summary>
public static partial class RuleParser
{
    /// <summary>At most this many bytes for an action value (it becomes a desired-state key).</summary>
    public const int MaxActionValueBytes = 1024;

    /// <summary>for_seconds: 0 (fire on the first matching reading) to one day.</summary>
    public const int MaxForSeconds = 86_400;

    /// <summary>At most this many serials in a scope.</summary>
    public const int MaxScopeSerials = 1000;

    public static ThresholdCondition Threshold(JsonElement? condition)
    {
        var c = Object(condition, "condition");
        AllowOnly(c, "condition", "field", "op", "value", "for_seconds", "clear_value");
        var field = Str(c, "condition.field", "field") ?? throw ApiException.Invalid("condition.field", "is required");
        if (!FieldName.IsValid(field)) throw ApiException.Invalid("condition.field", "must be 1-64 letters, digits or '_' starting with a letter or '_'");
        var op = Str(c, "condition.op", "op") ?? throw ApiException.Invalid("condition.op", "is required");
        if (!RuleTypes.Ops.Contains(op)) throw ApiException.Invalid("condition.op", $"must be one of: {string.Join(" ", RuleTypes.Ops)}");
        if (!c.TryGetProperty("value", out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            throw ApiException.Invalid("condition.value", "is required");
        if (RuleTypes.IsOrdering(op))
        {
            if (value.ValueKind != JsonValueKind.Number) throw ApiException.Invalid("condition.value", $"must be a number for op '{op}'");
        }
        else if (value.ValueKind is not (JsonValueKind.Number or JsonValueKind.String or JsonValueKind.True or JsonValueKind.False))
            throw ApiException.Invalid("condition.value", "must be a number, string or boolean");
        if (value.ValueKind == JsonValueKind.Number && !JsonNumbers.TryRead(value, out _)) throw ApiException.Invalid("condition.value", JsonNumbers.Rule);
        if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 200) throw ApiException.Invalid("condition.value", "must be at most 200 characters");

        var forSeconds = 0;
        if (c.TryGetProperty("for_seconds", out var fs) && fs.ValueKind != JsonValueKind.Null)
        {
            if (fs.ValueKind != JsonValueKind.Number || !fs.TryGetInt32(out forSeconds) || forSeconds < 0 || forSeconds > MaxForSeconds)
                throw ApiException.Invalid("condition.for_seconds", $"must be a whole number of seconds from 0 to {MaxForSeconds}");
        }
        double? clear = null;
        if (c.TryGetProperty("clear_value", out var cv) && cv.ValueKind != JsonValueKind.Null)
        {
            if (!RuleTypes.IsOrdering(op)) throw ApiException.Invalid("condition.clear_value", "is only allowed with the ops > < >= <=");
            if (cv.ValueKind != JsonValueKind.Number || !JsonNumbers.TryRead(cv, out var clearValue)) throw ApiException.Invalid("condition.clear_value", "must be a number");
            var v = value.GetDouble();
            if (op is ">" or ">=" && clearValue > v) throw ApiException.Invalid("condition.clear_value", $"must be at most value ({v}) for op '{op}'");
            if (op is "<" or "<=" && clearValue < v) throw ApiException.Invalid("condition.clear_value", $"must be at least value ({v}) for op '{op}'");
            clear = clearValue;
        }
        return new ThresholdCondition(field, op, JsonNode.Parse(value.GetRawText())!, forSeconds, clear);
    }

    public static ScheduleCondition Schedule(JsonElement? condition)
    {
        var c = Object(condition, "condition");
        AllowOnly(c, "condition", "time", "days");
        var time = Str(c, "condition.time", "time") ?? throw ApiException.Invalid("condition.time", "is required");
        var m = TimeRegex().Match(time);
        if (!m.Success) throw ApiException.Invalid("condition.time", "must be HH:MM (24-hour, 00:00 to 23:59)");
        if (!c.TryGetProperty("days", out var days) || days.ValueKind != JsonValueKind.Array)
            throw ApiException.Invalid("condition.days", "is required: an array of mon, tue, wed, thu, fri, sat, sun");
        var list = new List<string>();
        foreach (var d in days.EnumerateArray())
        {
            var s = d.ValueKind == JsonValueKind.String ? d.GetString()!.Trim().ToLowerInvariant() : null;
            if (s is null || !RuleTypes.Days.Contains(s)) throw ApiException.Invalid("condition.days", "each day must be one of: mon, tue, wed, thu, fri, sat, sun");
            if (!list.Contains(s)) list.Add(s);
        }
        if (list.Count == 0) throw ApiException.Invalid("condition.days", "must name at least one day");
        list.Sort((a, b) => Array.IndexOf(RuleTypes.Days, a).CompareTo(Array.IndexOf(RuleTypes.Days, b)));
        return new ScheduleCondition(time, int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), list);
    }

    /// <summary><c>{"key","value"}</c>; <paramref name="field"/> is <c>action</c> or <c>clear_action</c>.</summary>
    public static RuleAction Action(JsonElement? action, string field)
    {
        var a = Object(action, field);
        AllowOnly(a, field, "key", "value");
        var key = Str(a, field + ".key", "key") ?? throw ApiException.Invalid(field + ".key", "is required");
        if (!FieldName.IsValid(key)) throw ApiException.Invalid(field + ".key", "must be 1-64 letters, digits or '_' starting with a letter or '_'");
        if (!a.TryGetProperty("value", out var value)) throw ApiException.Invalid(field + ".value", "is required (null removes the key)");
        if (JsonNumbers.FindInvalid(value, field + ".value") is { } bad) throw ApiException.Invalid(bad, JsonNumbers.Rule);
        if (Encoding.UTF8.GetByteCount(value.GetRawText()) > MaxActionValueBytes)
            throw ApiException.Invalid(field + ".value", $"must be at most {MaxActionValueBytes} bytes of JSON");
        return new RuleAction(key, JsonNode.Parse(value.GetRawText()));
    }

    /// <summary>
    /// <c>{"product_type","room_id","tags":[…],"serials":[…]}</c>, every member optional; null or absent = all the org's devices.
    /// Whether room_id belongs to the org is checked by the caller.
    /// </summary>
    public static RuleScope Scope(JsonElement? scope)
    {
        if (scope is null || scope.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return RuleScope.All;
        var s = Object(scope, "scope");
        AllowOnly(s, "scope", "product_type", "room_id", "tags", "serials");
        var productType = Check.Optional(Str(s, "scope.product_type", "product_type"), "scope.product_type", 100);
        var roomId = Check.Optional(Str(s, "scope.room_id", "room_id"), "scope.room_id", 64);
        var tags = StrArray(s, "scope.tags", "tags", 50, t => t.Length is > 0 and <= 64);
        var serials = StrArray(s, "scope.serials", "serials", MaxScopeSerials, SerialNumber.IsValid);
        return new RuleScope(productType, roomId, tags, serials);
    }

    public static JsonObject ToJson(ThresholdCondition t)
    {
        var o = new JsonObject { ["field"] = t.Field, ["op"] = t.Op, ["value"] = t.Value.DeepClone() };
        if (t.ForSeconds > 0) o["for_seconds"] = t.ForSeconds;
        if (t.ClearValue is { } c) o["clear_value"] = c;
        return o;
    }

    public static JsonObject ToJson(ScheduleCondition s) => new() { ["time"] = s.Time, ["days"] = new JsonArray(s.Days.Select(d => (JsonNode)d).ToArray()) };

    public static JsonObject? ToJson(RuleScope s)
    {
        if (s.IsAll) return null;
        var o = new JsonObject();
        if (s.ProductType is not null) o["product_type"] = s.ProductType;
        if (s.RoomId is not null) o["room_id"] = s.RoomId;
        if (s.Tags.Count > 0) o["tags"] = new JsonArray(s.Tags.Select(t => (JsonNode)t).ToArray());
        if (s.Serials.Count > 0) o["serials"] = new JsonArray(s.Serials.Select(t => (JsonNode)t).ToArray());
        return o;
    }

    /// <summary>Reads a stored row into the engine's form.</summary>
    public static Rule Read(RuleRecord r)
    {
        JsonElement? El(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
        return new Rule(r,
            r.RuleType == RuleTypes.Threshold ? Threshold(El(r.Condition)) : null,
            r.RuleType == RuleTypes.Schedule ? Schedule(El(r.Condition)) : null,
            Action(El(r.Action), "action"),
            r.ClearAction is null ? null : Action(El(r.ClearAction), "clear_action"),
            Scope(El(r.Scope)));
    }

    private static JsonElement Object(JsonElement? e, string field)
    {
        if (e is not { ValueKind: JsonValueKind.Object } o) throw ApiException.Invalid(field, "is required and must be a JSON object");
        return o;
    }

    private static void AllowOnly(JsonElement o, string field, params string[] names)
    {
        foreach (var p in o.EnumerateObject())
            if (!names.Contains(p.Name)) throw ApiException.Invalid($"{field}.{p.Name}", $"is not a known member (allowed: {string.Join(", ", names)})");
    }

    private static string? Str(JsonElement o, string path, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw ApiException.Invalid(path, "must be a string");
        return v.GetString();
    }

    private static IReadOnlyList<string> StrArray(JsonElement o, string path, string name, int max, Func<string, bool> valid)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array) throw ApiException.Invalid(path, "must be an array of strings");
        var list = new List<string>();
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !valid(item.GetString()!)) throw ApiException.Invalid(path, "contains an invalid entry");
            if (!list.Contains(item.GetString()!)) list.Add(item.GetString()!);
        }
        if (list.Count > max) throw ApiException.Invalid(path, $"may list at most {max} entries");
        return list;
    }

    [GeneratedRegex(@"^([01][0-9]|2[0-3]):([0-5][0-9])\z")]
    private static partial Regex TimeRegex();
}
