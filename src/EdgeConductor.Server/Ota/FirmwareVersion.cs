using Semver;

namespace EdgeConductor.Server.Ota;

/// <summary>
/// Firmware version order, for refusing downgrades (issue 13). Both versions semantic (semver.org 2.0; a leading "v" and
/// a missing minor/patch are accepted, "v2.1" = 2.1.0): semver precedence (2.1.4 &lt; 2.1.10, 2.0.0-rc.1 &lt; 2.0.0, build
/// metadata ignored). Otherwise: split both on '.', '-', '_' and compare part by part, numerically when both parts are
/// numbers and ordinally (case-insensitive) otherwise; a version that is a prefix of the other is lower (docs/ota.md).
/// </summary>
public static class FirmwareVersion
{
    /// <summary>Negative when <paramref name="a"/> is older than <paramref name="b"/>, 0 when the same, positive when newer.</summary>
    public static int Compare(string a, string b)
    {
        if (SemVersion.TryParse(a.Trim(), SemVersionStyles.Any, out var sa) && SemVersion.TryParse(b.Trim(), SemVersionStyles.Any, out var sb))
            return SemVersion.ComparePrecedence(sa, sb);
        var pa = a.Trim().Split(['.', '-', '_']);
        var pb = b.Trim().Split(['.', '-', '_']);
        for (var i = 0; i < Math.Min(pa.Length, pb.Length); i++)
        {
            var c = long.TryParse(pa[i], out var na) && long.TryParse(pb[i], out var nb)
                ? na.CompareTo(nb)
                : string.Compare(pa[i], pb[i], StringComparison.OrdinalIgnoreCase);
            if (c != 0) return c;
        }
        return pa.Length.CompareTo(pb.Length);
    }

    /// <summary>The same version (semver equality ignoring build metadata, else the same text).</summary>
    public static bool Same(string a, string b) => Compare(a, b) == 0;
}
