using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Rules;

/// <summary>An org's time zone (<c>orgs.timezone</c>): an IANA id such as <c>Europe/Berlin</c>; schedule rules run in it.</summary>
public static class OrgTimeZone
{
    /// <summary>The default when an org sets none.</summary>
    public const string Default = "UTC";

    /// <summary>
    /// The IANA id if the system knows it (Windows ids such as "W. Europe Standard Time" are refused: the API speaks IANA);
    /// null means the default, UTC. 400 naming <paramref name="field"/> otherwise.
    /// </summary>
    public static string Validate(string? value, string field)
    {
        if (value is null) return Default;
        var v = value.Trim();
        if (v.Length is 0 or > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(v, out var tz) || !tz.HasIanaId)
            throw ApiException.Invalid(field, "must be an IANA time zone such as Europe/Berlin or America/New_York");
        return v;
    }

    /// <summary>The zone for a stored id; UTC when the id is unknown to this system (never throws).</summary>
    public static TimeZoneInfo Resolve(string? id) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var tz) ? tz : TimeZoneInfo.Utc;
}
