using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeConductor.Server.Rules;

/// <summary>Pure threshold logic: does a reading match, and does it clear a firing rule (hysteresis).</summary>
public static class ThresholdEvaluator
{
    /// <summary>
    /// Whether <paramref name="reading"/> satisfies the condition; null when it cannot be compared (a string or missing value
    /// for an ordering op): such a reading neither fires nor clears.
    /// </summary>
    public static bool? Holds(ThresholdCondition c, JsonNode? reading)
    {
        var n = Number(reading);
        if (RuleTypes.IsOrdering(c.Op))
        {
            if (n is not { } v) return null;
            if (Number(c.Value) is not { } t) return null;
            return c.Op switch { ">" => v > t, "<" => v < t, ">=" => v >= t, _ => v <= t };
        }
        if (reading is null) return null;
        var equal = Equal(c.Value, reading, n);
        return c.Op == "==" ? equal : !equal;
    }

    /// <summary>
    /// Whether a firing rule leaves firing on <paramref name="reading"/>. Without clear_value: when the condition no longer
    /// holds. With clear_value (hysteresis): for &gt; / &gt;= only when the value is below clear_value, for &lt; / &lt;= only
    /// when it is above it. Null: the reading cannot be compared (state unchanged).
    /// </summary>
    public static bool? Clears(ThresholdCondition c, JsonNode? reading)
    {
        if (c.ClearValue is not { } clear)
        {
            var holds = Holds(c, reading);
            return holds is null ? null : !holds.Value;
        }
        if (Number(reading) is not { } v) return null;
        return c.Op is ">" or ">=" ? v < clear : v > clear;
    }

    /// <summary>The reading as a finite double, or null when it is not a number.</summary>
    public static double? Number(JsonNode? node)
    {
        if (node is not JsonValue jv || jv.GetValueKind() != JsonValueKind.Number) return null;
        if (jv.TryGetValue<double>(out var d)) return double.IsFinite(d) ? d : null;
        // A number built in code (int, long, decimal …) rather than parsed: read it through its JSON text.
        return double.TryParse(jv.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var p)
            && double.IsFinite(p) ? p : null;
    }

    private static bool Equal(JsonNode expected, JsonNode reading, double? readingNumber)
    {
        var kind = expected.GetValueKind();
        if (kind == JsonValueKind.Number) return readingNumber is { } r && r == Number(expected);
        if (kind == JsonValueKind.String) return reading.GetValueKind() == JsonValueKind.String && reading.GetValue<string>() == expected.GetValue<string>();
        return reading.GetValueKind() == kind; // true / false
    }
}
