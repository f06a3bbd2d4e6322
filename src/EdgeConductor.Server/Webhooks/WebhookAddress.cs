using System.Net;
using System.Net.Sockets;

namespace EdgeConductor.Server.Webhooks;

/// <summary>
/// Which IP addresses a webhook may not reach unless <see cref="WebhookOptions.AllowPrivate"/> is set (SSRF protection):
/// unspecified, loopback, private (RFC 1918, IPv6 ULA fc00::/7), CGNAT (100.64.0.0/10, RFC 6598), link-local
/// (169.254.0.0/16, fe80::/10), multicast, broadcast and reserved ranges. IPv4 embedded in IPv6 (IPv4-mapped ::ffff:0:0/96,
/// IPv4-compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16) is judged by its IPv4 address.
/// </summary>
public static class WebhookAddress
{
    /// <summary>Why <paramref name="address"/> is refused (e.g. "loopback"), or null when it is a public address.</summary>
    public static string? ForbiddenReason(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6) return ForbiddenV4(address.MapToIPv4());
            var b = address.GetAddressBytes();
            if (address.Equals(IPAddress.IPv6Any)) return "unspecified";
            if (address.Equals(IPAddress.IPv6Loopback)) return "loopback";
            if (b[0] == 0xff) return "multicast";
            if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local";
            if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "site-local";
            if ((b[0] & 0xfe) == 0xfc) return "private (unique local)";
            if (b.Take(12).All(x => x == 0)) return ForbiddenV4(new IPAddress(b[12..16])) ?? "IPv4-compatible";
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.Skip(4).Take(8).All(x => x == 0))
                return ForbiddenV4(new IPAddress(b[12..16]));
            if (b[0] == 0x20 && b[1] == 0x02) return ForbiddenV4(new IPAddress(b[2..6]));
            if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return "documentation";
            return null;
        }
        return address.AddressFamily == AddressFamily.InterNetwork ? ForbiddenV4(address) : "not an IP address";
    }

    private static string? ForbiddenV4(IPAddress v4)
    {
        var b = v4.GetAddressBytes();
        return b[0] switch
        {
            0 => "unspecified",
            10 => "private",
            127 => "loopback",
            100 when (b[1] & 0xc0) == 64 => "CGNAT",
            169 when b[1] == 254 => "link-local",
            172 when (b[1] & 0xf0) == 16 => "private",
            192 when b[1] == 168 => "private",
            192 when b[1] == 0 && b[2] == 0 => "reserved (IETF)",
            198 when (b[1] & 0xfe) == 18 => "reserved (benchmarking)",
            >= 224 and <= 239 => "multicast",
            >= 240 => "reserved",
            _ => null,
        };
    }
}
