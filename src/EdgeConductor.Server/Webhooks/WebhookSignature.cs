using System.Security.Cryptography;
using System.Text;

namespace EdgeConductor.Server.Webhooks;

/// <summary>
/// Standard Webhooks signing (https://www.standardwebhooks.com, "Signature scheme"): the signed content is
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c>, the key is the base64 part of the <c>whsec_</c> secret, the signature is
/// <c>v1,</c> + base64(HMAC-SHA256). Several signatures (during a secret rotation) are separated by spaces.
/// </summary>
public static class WebhookSignature
{
    /// <summary>Prefix of every webhook secret.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>A new secret: <c>whsec_</c> + base64 of 32 random bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary><c>v1,</c> + base64 HMAC-SHA256 of <c>id.timestamp.body</c> with <paramref name="secret"/> (<c>whsec_...</c>).</summary>
    public static string Sign(string secret, string id, long timestampSeconds, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var content = Encoding.UTF8.GetBytes($"{id}.{timestampSeconds}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    /// <summary>The <c>webhook-signature</c> header value: one signature per secret, space-separated.</summary>
    public static string Header(IEnumerable<string> secrets, string id, long timestampSeconds, string body) =>
        string.Join(' ', secrets.Select(s => Sign(s, id, timestampSeconds, body)));
}
