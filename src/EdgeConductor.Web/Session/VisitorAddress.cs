using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace EdgeConductor.Web.Session;

/// <summary>
/// How the console, which calls the API over HTTP from the server's own process (so from loopback), tells the API the
/// address of the visitor it acts for: the header <see cref="HeaderName"/> = <c>{secret} {ip}</c>, where the secret is 32
/// random bytes made when the process starts and never stored, logged or sent to a browser. Only a request carrying this
/// process's secret can set its client address; the server strips the header from every request and, when the secret is
/// wrong or missing, keeps the connection's own address (docs/security.md, "The console's visitor address").
/// </summary>
public sealed class VisitorAddress
{
    /// <summary>The request header the console sets on its API calls.</summary>
    public const string HeaderName = "X-EC-Console-Visitor";

    private readonly byte[] _secret = Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_'));

    /// <summary>The header value for a call made on behalf of the visitor at <paramref name="visitor"/>.</summary>
    public string HeaderValue(IPAddress visitor) => Encoding.ASCII.GetString(_secret) + " " + visitor;

    /// <summary>
    /// The visitor address in <paramref name="header"/> when it carries this process's secret (compared in fixed time);
    /// null for any other value (missing, malformed, another secret).
    /// </summary>
    public IPAddress? TryRead(string? header)
    {
        if (string.IsNullOrEmpty(header)) return null;
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0) return null;
        var given = Encoding.ASCII.GetBytes(header[..space]);
        if (!CryptographicOperations.FixedTimeEquals(given, _secret)) return null;
        return IPAddress.TryParse(header.AsSpan(space + 1), out var ip) ? ip : null;
    }
}
