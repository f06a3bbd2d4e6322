using System.Security.Cryptography;
using System.Text;

namespace EdgeConductor.Server.Common;

/// <summary>Random credentials and their stored form.</summary>
public static class Secrets
{
    /// <summary>A URL-safe random token of <paramref name="bytes"/> bytes of entropy.</summary>
    public static string NewToken(int bytes = 32) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', 'A').Replace('/', 'B');

    /// <summary>
    /// SHA-256 of a high-entropy credential (API key, device secret, refresh token). These are random 256-bit
    /// values, so a slow password hash adds nothing but latency on every MQTT connect and API call.
    /// </summary>
    public static string Hash(string credential) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));

    /// <summary>Constant-time comparison of two stored hashes.</summary>
    public static bool HashEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
