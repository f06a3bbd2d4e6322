using System.Security.Cryptography;
using System.Text;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Ota;

/// <summary>
/// Signed download URLs (issue 13): <c>/api/v1/firmware/{id}/download?serial=…&amp;exp=…&amp;token=…</c>, token =
/// base64url(HMAC-SHA256(key, "{firmware id}|{serial}|{exp}")), exp in Unix seconds. The key is made once and kept in the
/// database (settings <c>ota_url_key</c>) so every server instance accepts every instance's URLs. ESP32 HTTP clients
/// need no header: everything is in the query.
/// </summary>
public sealed class DownloadToken(SettingsStore settings, TimeProvider clock, OtaOptions options)
{
    private byte[]? _key;

    /// <summary>The query string (without '?') that lets <paramref name="serial"/> download release <paramref name="firmwareId"/>.</summary>
    public async Task<string> QueryAsync(string firmwareId, string serial, CancellationToken ct)
    {
        var exp = clock.GetUtcNow().Add(options.DownloadUrlLifetime).ToUnixTimeSeconds();
        var mac = Mac(await KeyAsync(ct), firmwareId, serial, exp);
        return $"serial={Uri.EscapeDataString(serial)}&exp={exp}&token={mac}";
    }

    /// <summary>Why a token is refused, or null when it is valid for this release and serial now.</summary>
    public async Task<string?> ValidateAsync(string firmwareId, string? serial, string? exp, string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(serial) || string.IsNullOrEmpty(token) || !long.TryParse(exp, out var expSeconds))
            return "A download token (serial, exp, token) is required.";
        var expected = Mac(await KeyAsync(ct), firmwareId, serial, expSeconds);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(token)))
            return "The download token is not valid for this firmware and device.";
        if (clock.GetUtcNow().ToUnixTimeSeconds() > expSeconds) return "The download token has expired.";
        return null;
    }

    private async Task<byte[]> KeyAsync(CancellationToken ct) =>
        _key ??= Convert.FromBase64String(await settings.GetOrCreateAsync("ota_url_key",
            () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), ct));

    private static string Mac(byte[] key, string firmwareId, string serial, long exp) =>
        Base64Url(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{firmwareId}|{serial}|{exp}")));

    private static string Base64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
