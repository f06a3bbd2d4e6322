using System.Text.RegularExpressions;
using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Devices;

/// <summary>serial_no: 1–64 characters of [A-Za-z0-9_.-]. It is also the device's MQTT username and topic segment.</summary>
public static partial class SerialNumber
{
    public const int MaxLength = 64;

    public static bool IsValid(string? serial) => serial is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(serial);

    public static string Validate(string? serial, string field = "serial_no")
    {
        if (string.IsNullOrEmpty(serial)) throw ApiException.Invalid(field, "is required");
        if (serial.Length > MaxLength) throw ApiException.Invalid(field, $"must be at most {MaxLength} characters");
        if (!Pattern().IsMatch(serial)) throw ApiException.Invalid(field, "may contain only letters, digits, '_', '.' and '-'");
        return serial;
    }

    // \z, not $: in .NET "$" also matches before a final newline, which would let "EC-001\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9_.-]+\z")]
    private static partial Regex Pattern();
}
