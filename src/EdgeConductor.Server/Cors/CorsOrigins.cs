namespace EdgeConductor.Server.Cors;

/// <summary>
/// Reads EC_CORS_ORIGINS: a comma-separated list of exact browser origins (<c>scheme://host[:port]</c>, http or https, no
/// path, query, fragment or user info), or <c>*</c> alone for any origin. Empty or unset = no CORS at all.
/// </summary>
public static class CorsOrigins
{
    /// <summary>The value meaning "any origin".</summary>
    public const string Any = "*";

    /// <summary>
    /// The origins in <paramref name="value"/>, each normalised as a browser sends it in <c>Origin</c> (lower-case scheme and
    /// host, default port dropped): <c>["*"]</c> for any origin; empty when <paramref name="value"/> is empty.
    /// </summary>
    /// <exception cref="InvalidOperationException">An entry is not an origin, or <c>*</c> is mixed with origins.</exception>
    public static IReadOnlyList<string> Parse(string? value)
    {
        var entries = (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Contains(Any))
        {
            if (entries.Length > 1) throw Bad("'*' (any origin) cannot be combined with other origins");
            return [Any];
        }
        var result = new List<string>(entries.Length);
        foreach (var e in entries)
        {
            if (!Uri.TryCreate(e, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps))
                throw Bad($"'{e}' is not an origin (expected scheme://host[:port] with http or https)");
            if (u.UserInfo.Length > 0 || u.Query.Length > 0 || u.Fragment.Length > 0 || e.TrimEnd('/').Length < e.Length - 1
                || u.AbsolutePath != "/" || e.Contains('*'))
                throw Bad($"'{e}' is not an origin (no path, query, fragment, user info or wildcard: scheme://host[:port])");
            var origin = u.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
            if (!result.Contains(origin)) result.Add(origin);
        }
        return result;
    }

    private static InvalidOperationException Bad(string why) => new($"EC_CORS_ORIGINS: {why}.");
}
