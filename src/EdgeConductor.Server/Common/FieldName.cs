using System.Text.RegularExpressions;

namespace EdgeConductor.Server.Common;

/// <summary>
/// Names of telemetry fields, shadow keys and metrics: 1–64 letters, digits or '_', starting with a letter or '_'.
/// They appear in SQLite JSON paths ('$.' || name), so nothing else is allowed.
/// </summary>
public static partial class FieldName
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    // \z, not $: '$' also matches before a final newline.
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,63}\z")]
    private static partial Regex Pattern();
}
