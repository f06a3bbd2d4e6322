using EdgeConductor.Server.Common;

namespace EdgeConductor.Server.Ota;

/// <summary>A row of <c>firmware_releases</c>.</summary>
public sealed class FirmwareRelease
{
    public string Id { get; set; } = "";
    public string OrgId { get; set; } = "";
    public string Version { get; set; } = "";
    public string ProductType { get; set; } = "";
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";
    public string? Signature { get; set; }
    public string? SigningKeyId { get; set; }
    public string? Notes { get; set; }
    public string? CreatedBy { get; set; }
    public long CreatedAt { get; set; }
}

/// <summary>
/// A firmware release as the API shows it (seed 000 <c>firmware.list()</c> → Release): id, version, product_type, size
/// (bytes), sha256 (hex), signature (base64, when signed) and the id of the key that verified it.
/// </summary>
public sealed record FirmwareDto(string Id, string OrgId, string Version, string ProductType, long Size, string Sha256,
    string? Signature, string? SigningKeyId, string? Notes, DateTime CreatedAt)
{
    public static FirmwareDto From(FirmwareRelease r) => new(r.Id, r.OrgId, r.Version, r.ProductType, r.Size, r.Sha256,
        r.Signature, r.SigningKeyId, r.Notes, Times.ToUtc(r.CreatedAt));
}

/// <summary>A row of <c>firmware_keys</c>: an org's ECDSA P-256 public key (PEM) that firmware signatures are verified with.</summary>
public sealed class FirmwareKey
{
    public string Id { get; set; } = "";
    public string OrgId { get; set; } = "";
    public string Name { get; set; } = "";
    public string PublicKeyPem { get; set; } = "";
    public long CreatedAt { get; set; }
}

/// <summary>A firmware signing key as the API shows it.</summary>
public sealed record FirmwareKeyDto(string Id, string OrgId, string Name, string PublicKeyPem, DateTime CreatedAt)
{
    public static FirmwareKeyDto From(FirmwareKey k) => new(k.Id, k.OrgId, k.Name, k.PublicKeyPem, Times.ToUtc(k.CreatedAt));
}

/// <summary>An org's OTA settings: <c>require_signature</c> = every upload must carry a signature verified by one of its keys.</summary>
public sealed record OtaSettingsDto(string OrgId, bool RequireSignature);
