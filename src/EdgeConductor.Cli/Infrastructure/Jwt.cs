using System.Buffers.Text;
using System.Text.Json;

namespace EdgeConductor.Cli.Infrastructure;

/// <summary>Reads the expiry of an access token (no validation: the server does that), to refresh it in time.</summary>
internal static class Jwt
{
    /// <summary>True if the token's <c>exp</c> is before <paramref name="when"/>, or the token cannot be read.</summary>
    public static bool ExpiresBefore(string token, DateTimeOffset when)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return true;
        try
        {
            using var doc = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return !doc.RootElement.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var seconds)
                || DateTimeOffset.FromUnixTimeSeconds(seconds) < when;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return true;
        }
    }
}
