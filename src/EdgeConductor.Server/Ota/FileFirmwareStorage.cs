using System.Security.Cryptography;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Ota;

/// <summary>
/// Firmware files in EC_DATA_DIR/firmware/{first two hex digits}/{sha256}.bin, written 0600. An upload goes to a temporary
/// file in the same folder (hashed while written) and is renamed to its address when complete, so a reader never sees a
/// partial file and a crash leaves only a temporary file (removed on the next start).
/// </summary>
public sealed class FileFirmwareStorage : IFirmwareStorage
{
    private const int BufferSize = 81920;
    private readonly string _root;

    public FileFirmwareStorage(string dataDir)
    {
        _root = Path.Combine(Path.GetFullPath(dataDir), "firmware");
        Directory.CreateDirectory(_root);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_root, DataDirectory.FolderMode);
        foreach (var stale in Directory.EnumerateFiles(_root, "*.upload"))
        {
            try { File.Delete(stale); } catch (IOException) { /* another instance may be writing it */ }
        }
    }

    /// <inheritdoc />
    public async Task<StoredFirmware> SaveAsync(Stream content, long maxBytes, CancellationToken ct)
    {
        var temp = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".upload");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = DataDirectory.PrivateFileMode;
        long size = 0;
        string sha;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(temp, options))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > maxBytes) throw new FirmwareTooLargeException(maxBytes);
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await file.FlushAsync(ct);
            }
            sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            var target = PathOf(sha);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (File.Exists(target)) File.Delete(temp);
            else File.Move(temp, target, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { /* best effort */ }
            throw;
        }
        return new StoredFirmware(sha, size);
    }

    /// <inheritdoc />
    public string? LocalPath(string sha256)
    {
        if (!IsSha(sha256)) return null;
        var path = PathOf(sha256);
        return File.Exists(path) ? path : null;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string sha256, CancellationToken ct)
    {
        if (IsSha(sha256)) File.Delete(PathOf(sha256));
        return Task.CompletedTask;
    }

    private string PathOf(string sha) => Path.Combine(_root, sha[..2], sha + ".bin");

    private static bool IsSha(string s) => s.Length == 64 && s.All(Uri.IsHexDigit);
}
