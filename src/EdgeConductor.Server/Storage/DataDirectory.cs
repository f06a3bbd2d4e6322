namespace EdgeConductor.Server.Storage;

/// <summary>
/// The data folder (EC_DATA_DIR) holds the SQLite database (and its -wal/-shm files), the generated TLS certificate and
/// key files: on Unix it is created 0700 and every file the server creates in it 0600. On start an existing folder or
/// file that is open to group or others is tightened to those modes, with a warning naming it. (Windows: ACLs are
/// inherited from the parent folder; nothing is changed there.)
/// </summary>
public static class DataDirectory
{
    /// <summary>rwx for the owner only.</summary>
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>rw for the owner only.</summary>
    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Creates <paramref name="dir"/> (0700) or tightens it and the files directly in it (0600), logging each change.
    /// Returns the full path.
    /// </summary>
    public static string Prepare(string dir, ILogger? log)
    {
        var full = Path.GetFullPath(dir);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(full);
            return full;
        }
        if (!Directory.Exists(full))
        {
            Directory.CreateDirectory(full, FolderMode);
            // CreateDirectory applies the process umask; set the mode explicitly so a lax umask cannot widen it.
            File.SetUnixFileMode(full, FolderMode);
            return full;
        }
        Tighten(full, FolderMode, log, "data folder");
        foreach (var file in Directory.EnumerateFiles(full))
            Tighten(file, PrivateFileMode, log, "data file");
        // Sub-folders the server creates (keys/ for the JWT signing key) get the same treatment, one level down.
        foreach (var sub in Directory.EnumerateDirectories(full))
        {
            if (new DirectoryInfo(sub).LinkTarget is not null) continue; // never follow a link out of the data folder
            Tighten(sub, FolderMode, log, "data folder");
            foreach (var file in Directory.EnumerateFiles(sub))
                Tighten(file, PrivateFileMode, log, "data file");
        }
        return full;
    }

    /// <summary>
    /// Creates <paramref name="path"/> empty with mode 0600 if it does not exist (SQLite then opens the existing file,
    /// and gives its -wal and -shm files the same mode). An existing file is left as it is.
    /// </summary>
    public static void CreatePrivateFile(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path)) return;
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = PrivateFileMode,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Created meanwhile by another process or server in the same folder: that one set its mode.
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to a new file created 0600 (never world-readable, not even for an instant).</summary>
    public static void WritePrivateFile(string path, ReadOnlySpan<byte> bytes)
    {
        var options = new FileStreamOptions { Mode = System.IO.FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PrivateFileMode;
        using var stream = new FileStream(path, options);
        stream.Write(bytes);
    }

    private static void Tighten(string path, UnixFileMode wanted, ILogger? log, string what)
    {
        if (OperatingSystem.IsWindows()) return;
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) == 0) return;
        if ((mode & UnixFileMode.StickyBit) != 0)
        {
            // A shared folder such as /tmp: never take it away from its other users; say so instead.
            log?.LogWarning("The {What} {Path} is a shared folder (mode {Old}); use a folder of its own for EC_DATA_DIR", what, path, Octal(mode));
            return;
        }
        try
        {
            File.SetUnixFileMode(path, wanted);
            log?.LogWarning("The {What} {Path} was open to other users (mode {Old}); tightened to {New}", what, path,
                Octal(mode), Octal(wanted));
        }
        catch (UnauthorizedAccessException ex)
        {
            log?.LogWarning(ex, "The {What} {Path} is open to other users (mode {Old}) and could not be tightened", what, path, Octal(mode));
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
