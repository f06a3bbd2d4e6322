using System.Text.Json;

namespace EdgeConductor.Server.Common;

/// <summary>
/// The one number rule for everything a client or device sends as data (telemetry, reported state over HTTPS and MQTT,
/// desired state): a JSON number must be a finite IEEE-754 double. <c>1e309</c>, <c>-1e400</c> and friends overflow to
/// ±infinity, which JSON cannot carry back out (RFC 8259 §6 leaves such numbers to the implementation), so they are
/// refused with 400 naming the key instead of being stored and served back as something else.
/// </summary>
public static class JsonNumbers
{
    /// <summary>The sentence used in every error about a number that breaks the rule.</summary>
    public const string Rule = "is not a finite number (the range is that of a 64-bit double, about ±1.8e308)";

    /// <summary>The current token (a number) as a double, if it obeys the rule.</summary>
    public static bool TryRead(ref Utf8JsonReader reader, out double value) =>
        reader.TryGetDouble(out value) && double.IsFinite(value);

    /// <summary><paramref name="number"/> (ValueKind Number) as a double, if it obeys the rule.</summary>
    public static bool TryRead(JsonElement number, out double value) =>
        number.TryGetDouble(out value) && double.IsFinite(value);

    /// <summary>
    /// The path (<paramref name="path"/>, then <c>.member</c> / <c>[index]</c>) of the first number anywhere in
    /// <paramref name="value"/> that breaks the rule, or null when all obey it.
    /// </summary>
    public static string? FindInvalid(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return TryRead(value, out _) ? null : path;
            case JsonValueKind.Object:
                foreach (var p in value.EnumerateObject())
                    if (FindInvalid(p.Value, path + "." + p.Name) is { } bad) return bad;
                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in value.EnumerateArray())
                    if (FindInvalid(item, $"{path}[{i++}]") is { } bad) return bad;
                return null;
            default:
                return null;
        }
    }
}
