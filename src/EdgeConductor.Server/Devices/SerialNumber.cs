using System.Text.RegularExpressions;
using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Devices;

/// <summary>
/// serial_no: 1–64 characters of [A-Za-z0-9_.-], and not "." or "..". It is also the device's MQTT username, an MQTT
/// topic level and a URL path segment (/api/v1/devices/{serial}): the characters exclude the topic separator and
/// wildcards ('/', '+', '#'), and "." and ".." are refused because a URL path cannot carry them as a segment
/// (RFC 3986 §5.2.4 removes dot segments, so the request would reach another route).
/// </summary>
public static partial class SerialNumber
{
    public const int MaxLength = 64;

    /// <summary>Whether <paramref name="serial"/> follows the rule above.</summary>
    public static bool IsValid(string? serial) =>
        serial is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(serial) && !IsDotSegment(serial);

    /// <summary>Returns <paramref name="serial"/> if it follows the rule; otherwise throws a 400 <see cref="ApiException"/> naming <paramref name="field"/>.</summary>
    public static string Validate(string? serial, string field = "serial_no")
    {
        if (string.IsNullOrEmpty(serial)) throw ApiException.Invalid(field, "is required");
        if (serial.Length > MaxLength) throw ApiException.Invalid(field, $"must be at most {MaxLength} characters");
        if (!Pattern().IsMatch(serial)) throw ApiException.Invalid(field, "may contain only letters, digits, '_', '.' and '-'");
        if (IsDotSegment(serial)) throw ApiException.Invalid(field, "must not be '.' or '..' (they cannot be a URL path segment)");
        return serial;
    }

    private static bool IsDotSegment(string serial) => serial is "." or "..";

    // \z, not $: in .NET "$" also matches before a final newline, which would let "EC-001\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9_.-]+\z")]
    private static partial Regex Pattern();
}
