using System.Security.Cryptography;

namespace EdgeConductor.Server.Ota;

/// <summary>
/// Firmware signatures (issue 13): ECDSA P-256 over the file's SHA-256 digest, i.e. what
/// <c>openssl dgst -sha256 -sign key.pem -out fw.sig firmware.bin</c> writes (DER, RFC 3279), or the raw 64-byte r‖s form
/// (IEEE P1363, as ESP-IDF / mbedTLS tools print it), sent base64-encoded. Keys are PEM "PUBLIC KEY" (SubjectPublicKeyInfo).
/// </summary>
public static class FirmwareSignature
{
    /// <summary>Parses a PEM public key; null unless it is an EC key on P-256.</summary>
    public static ECDsa? ParsePublicKey(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            var p = key.ExportParameters(false);
            if (p.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value && p.Curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256"))
            {
                key.Dispose();
                return null;
            }
            return key;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            return null;
        }
    }

    /// <summary>Decodes a base64 signature; null if it is not base64.</summary>
    public static byte[]? Decode(string signature)
    {
        try
        {
            return Convert.FromBase64String(signature.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Does <paramref name="signature"/> verify over <paramref name="sha256"/> (the digest bytes) with <paramref name="key"/>?</summary>
    public static bool Verify(ECDsa key, byte[] sha256, byte[] signature) =>
        (signature.Length == 64 && key.VerifyHash(sha256, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        || key.VerifyHash(sha256, signature, DSASignatureFormat.Rfc3279DerSequence);
}
