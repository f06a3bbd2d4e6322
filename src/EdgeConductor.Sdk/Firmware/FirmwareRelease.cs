namespace EdgeConductor.Sdk.Firmware;

/// <summary>An uploaded firmware release (seed 000 <c>firmware.list()</c> → Release).</summary>
/// <param name="Id">The release id, used to push it.</param>
/// <param name="OrgId">The org that uploaded it.</param>
/// <param name="Version">Its version, e.g. <c>2.1.4</c>.</param>
/// <param name="ProductType">The product type it is for, e.g. <c>tracker</c>.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Sha256">SHA-256 of the file, lower-case hex.</param>
/// <param name="Signature">The ECDSA P-256 signature (base64), when signed.</param>
/// <param name="SigningKeyId">The org key that verified the signature.</param>
/// <param name="Notes">Release notes.</param>
/// <param name="CreatedAt">When it was uploaded.</param>
public sealed record FirmwareRelease(string Id, string OrgId, string Version, string ProductType, long Size, string Sha256,
    string? Signature, string? SigningKeyId, string? Notes, DateTime CreatedAt);

/// <summary>The answer to a push to one device.</summary>
/// <param name="Ok">Always true on success.</param>
/// <param name="JobId">The job made for the push.</param>
/// <param name="JobNumber">Its number in the org (Job #12).</param>
/// <param name="Version">The firmware version pushed.</param>
/// <param name="Delivered">True when the device was online and got it over MQTT now; false when it waits as pending.</param>
/// <param name="State">The device's state in the job (<c>sent</c> or <c>pending</c>).</param>
public sealed record OtaPushResult(bool Ok, string JobId, long JobNumber, string Version, bool Delivered, string State);

/// <summary>What to upload: the file's version, product type, optional notes and signature (base64 ECDSA P-256 over the SHA-256).</summary>
public sealed record FirmwareUploadRequest(string Version, string ProductType, string? Notes = null, string? Signature = null);
