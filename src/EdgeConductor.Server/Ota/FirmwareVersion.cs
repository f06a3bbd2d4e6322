using System.Text.RegularExpressions;
using Semver;

namespace EdgeConductor.Server.Ota;

/// <summary>
/// Firmware version order, for refusing downgrades (issue 13). Both versions semantic (semver.org 2.0; a leading "v" and
/// a missing minor/patch are accepted, "v2.1" = 2.1.0): semver precedence (2.1.4 &lt; 2.1.10, 2.0.0-rc.1 &lt; 2.0.0, build
/// metadata ignored). Otherwise ("1.2.3.4", "2024.11.3a", "r10"): both are split into runs of digits and runs of other
/// characters (separators . - _ + dropped) and compared run by run, digit runs as numbers and other runs ordinally
/// ignoring case; when one runs out first it is the lower (docs/ota.md).
/// </summary>
public static partial class FirmwareVersion
{
    /// <summary>Negative when <paramref name="a"/> is older than <paramref name="b"/>, 0 when the same, positive when newer.</summary>
    public static int Compare(string a, string b)
    {
        if (SemVersion.TryParse(a.Trim(), SemVersionStyles.Any, out var sa) && SemVersion.TryParse(b.Trim(), SemVersionStyles.Any, out var sb))
            return SemVersion.ComparePrecedence(sa, sb);
        var pa = Runs().Matches(a).Select(m => m.Value).ToArray();
        var pb = Runs().Matches(b).Select(m => m.Value).ToArray();
        for (var i = 0; i < Math.Min(pa.Length, pb.Length); i++)
        {
            var c = char.IsAsciiDigit(pa[i][0]) && char.IsAsciiDigit(pb[i][0])
                ? decimal.Parse(pa[i]).CompareTo(decimal.Parse(pb[i]))
                : string.Compare(pa[i], pb[i], StringComparison.OrdinalIgnoreCase);
            if (c != 0) return c;
        }
        return pa.Length.CompareTo(pb.Length);
    }

    /// <summary>The same version (semver equality ignoring build metadata, else the same runs).</summary>
    public static bool Same(string a, string b) => Compare(a, b) == 0;

    [GeneratedRegex("[0-9]{1,28}|[^0-9._+-]+")]
    private static partial Regex Runs();
}
