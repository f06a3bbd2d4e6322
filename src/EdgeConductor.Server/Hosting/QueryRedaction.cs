using System.Text;

namespace EdgeConductor.Server.Hosting;

/// <summary>
/// Query strings as they may appear in logs: the value of every parameter that can carry a credential is replaced by
/// <c>***</c>. Matching is case-insensitive on the decoded name: <c>api_key</c>, <c>apikey</c>, <c>key</c>, <c>token</c>,
/// <c>access_token</c>, <c>refresh_token</c>, <c>id_token</c>, <c>secret</c>, <c>client_secret</c>, <c>device_secret</c>,
/// <c>password</c>, <c>passwd</c>, <c>pass</c>, <c>pwd</c>, <c>pw</c>, <c>auth</c>, <c>authorization</c>, <c>bearer</c>,
/// <c>jwt</c>, <c>session</c>, <c>sid</c>, <c>code</c>, <c>signature</c>, <c>sig</c> — and any name that contains <c>token</c>,
/// <c>secret</c>, <c>password</c>, <c>key</c>, <c>credential</c> or <c>jwt</c>.
/// </summary>
public static class QueryRedaction
{
    public const string Mask = "***";

    private static readonly HashSet<string> Exact = new(StringComparer.OrdinalIgnoreCase)
    {
        "auth", "authorization", "pwd", "passwd", "pass", "pw", "sig", "signature", "code", "jwt", "bearer", "session", "sid",
    };

    private static readonly string[] Fragments = ["token", "secret", "password", "key", "credential", "jwt"];

    /// <summary>True when the parameter <paramref name="name"/> may carry a credential.</summary>
    public static bool IsSensitive(string name)
    {
        if (Exact.Contains(name)) return true;
        foreach (var f in Fragments)
            if (name.Contains(f, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>
    /// <paramref name="query"/> (with or without the leading <c>?</c>) with sensitive values masked; the names and
    /// order are kept, so the log still shows what was asked. Empty in, empty out.
    /// </summary>
    public static string Redact(string? query)
    {
        if (string.IsNullOrEmpty(query) || query == "?") return "";
        var body = query[0] == '?' ? query.AsSpan(1) : query.AsSpan();
        var sb = new StringBuilder(query.Length + 1).Append('?');
        var first = true;
        foreach (var range in body.Split('&'))
        {
            var pair = body[range];
            if (!first) sb.Append('&');
            first = false;
            var eq = pair.IndexOf('=');
            var rawName = eq < 0 ? pair : pair[..eq];
            var name = Uri.UnescapeDataString(rawName.ToString().Replace('+', ' '));
            if (eq >= 0 && IsSensitive(name)) sb.Append(rawName).Append('=').Append(Mask);
            else sb.Append(pair);
        }
        return sb.ToString();
    }
}
