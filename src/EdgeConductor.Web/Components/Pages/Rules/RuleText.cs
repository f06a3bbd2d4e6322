using System.Globalization;
using System.Text.Json;

namespace EdgeConductor.Web.Components.Pages.Rules;

/// <summary>One-line texts for the ops pages: a rule's condition and action, times (UTC, ISO-like), numbers.</summary>
public static class RuleText
{
    /// <summary>"co2 &gt; 1000 for 60 s" or "22:00 mon, tue".</summary>
    public static string Condition(string ruleType, JsonElement c)
    {
        if (c.ValueKind != JsonValueKind.Object) return "";
        if (ruleType == "schedule")
            return $"{Str(c, "time")} {(c.TryGetProperty("days", out var d) && d.ValueKind == JsonValueKind.Array ? string.Join(", ", d.EnumerateArray().Select(x => x.ToString())) : "")}";
        var text = $"{Str(c, "field")} {Str(c, "op")} {Raw(c, "value")}";
        if (c.TryGetProperty("for_seconds", out var f) && f.ValueKind == JsonValueKind.Number) text += $" for {f} s";
        if (c.TryGetProperty("clear_value", out var cv) && cv.ValueKind == JsonValueKind.Number) text += $" (clears at {cv})";
        return text;
    }

    /// <summary>"relay = true".</summary>
    public static string Action(JsonElement a) =>
        a.ValueKind == JsonValueKind.Object ? $"{Str(a, "key")} = {Raw(a, "value")}" : "";

    /// <summary>A UTC time as "2026-12-01 02:15:00 UTC", or "never".</summary>
    public static string When(DateTimeOffset? t) =>
        t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "never";

    /// <summary>A UTC time (DateTime assumed UTC) as <see cref="When(DateTimeOffset?)"/>.</summary>
    public static string When(DateTime? t) => When(t is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null);

    /// <summary>The string member <paramref name="name"/> of <paramref name="o"/>, or "".</summary>
    public static string Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText() : "";

    /// <summary>The member's JSON text (strings quoted), or "".</summary>
    public static string Raw(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) ? v.GetRawText() : "";

    /// <summary>A number with up to 2 decimals, invariant.</summary>
    public static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
