namespace EdgeConductor.Server.Ota;

/// <summary>A firmware file as stored: its SHA-256 (lower-case hex, its address) and size in bytes.</summary>
public sealed record StoredFirmware(string Sha256, long Size);

/// <summary>
/// Where firmware files live, content-addressed by SHA-256 (issue 13). The built-in store is a folder
/// (<see cref="FileFirmwareStorage"/>, EC_DATA_DIR/firmware); an S3-compatible store can implement this later.
/// </summary>
public interface IFirmwareStorage
{
    /// <summary>
    /// Streams <paramref name="content"/> to the store, computing the SHA-256 as it goes, never holding the file in memory.
    /// Throws <see cref="FirmwareTooLargeException"/> as soon as more than <paramref name="maxBytes"/> arrive (nothing is kept).
    /// Storing a file already present (same SHA-256) keeps one copy.
    /// </summary>
    Task<StoredFirmware> SaveAsync(Stream content, long maxBytes, CancellationToken ct);

    /// <summary>The file's path on local disk, for range-aware streaming, or null if not stored.</summary>
    string? LocalPath(string sha256);

    /// <summary>Removes the file (called when no release refers to it any more). Missing files are ignored.</summary>
    Task DeleteAsync(string sha256, CancellationToken ct);
}

/// <summary>The upload passed the size limit (413).</summary>
public sealed class FirmwareTooLargeException(long limit) : Exception($"The firmware is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}
