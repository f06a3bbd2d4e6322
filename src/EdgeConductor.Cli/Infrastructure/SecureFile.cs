namespace EdgeConductor.Cli.Infrastructure;

/// <summary>Files holding secrets: created with mode 0600 on Unix, so they are never readable by others, even briefly.</summary>
internal static class SecureFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static FileStream Create(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        var stream = new FileStream(path, options);
        // UnixCreateMode applies only to new files: tighten an existing one as well.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, OwnerOnly);
        return stream;
    }

    public static void WriteAllBytes(string path, byte[] bytes)
    {
        using var stream = Create(path);
        stream.Write(bytes);
    }
}
