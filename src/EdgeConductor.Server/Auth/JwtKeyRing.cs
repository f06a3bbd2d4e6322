using System.Security.Cryptography;
using EdgeConductor.Server.Hosting;
using EdgeConductor.Server.Storage;
using Microsoft.IdentityModel.Tokens;

namespace EdgeConductor.Server.Auth;

/// <summary>
/// The JWT signing keys: one current key that signs, and retired keys that still verify until their tokens expire.
/// Never kept in the database. Where the current key comes from, first match wins:
/// <list type="number">
/// <item><c>EC_JWT_KEY</c> (base64, at least 32 bytes);</item>
/// <item><c>EC_JWT_KEY_FILE</c> (a file holding that base64, e.g. a mounted secret);</item>
/// <item><c>{EC_DATA_DIR}/keys/jwt.key</c>, created (folder 0700, file 0600) on first start. A key an older version kept in
/// the <c>settings</c> table is moved into this file and deleted from the database.</item>
/// </list>
/// Retired keys: <c>EC_JWT_PREVIOUS_KEYS</c> (comma-separated base64) and every <c>keys/jwt-*.key</c> file. Rotation: rename
/// <c>keys/jwt.key</c> to e.g. <c>keys/jwt-2026-11-30.key</c> and restart (a new key is created and signs; old tokens keep
/// working); delete the retired file after the access-token lifetime (15 min). Each key's <c>kid</c> is the first 8 bytes of
/// its SHA-256, hex, written into every token header.
/// </summary>
public sealed class JwtKeyRing
{
    /// <summary>The <c>settings</c> row where versions before issue 8 kept the key.</summary>
    public const string LegacySettingsKey = "jwt_signing_key";

    /// <summary>The data-folder file that holds the current key when no configuration gives one.</summary>
    public const string KeyFileName = "jwt.key";

    private const int MinKeyBytes = 32;

    private JwtKeyRing(SymmetricSecurityKey current, IReadOnlyList<SymmetricSecurityKey> verifying, string source, bool movedFromDatabase)
    {
        Current = current;
        Verifying = verifying;
        Source = source;
        MovedFromDatabase = movedFromDatabase;
    }

    /// <summary>Where the current key came from: <c>EC_JWT_KEY</c>, or the path of its file.</summary>
    public string Source { get; }

    /// <summary>True when this start moved a key an older version kept in the database into the key file.</summary>
    public bool MovedFromDatabase { get; }

    /// <summary>The key that signs new tokens.</summary>
    public SymmetricSecurityKey Current { get; }

    /// <summary>Every key that verifies: the current one first, then the retired ones.</summary>
    public IReadOnlyList<SymmetricSecurityKey> Verifying { get; }

    /// <summary>The folder of key files: <c>{EC_DATA_DIR}/keys</c>.</summary>
    public static string KeyFolder(EcOptions options) => Path.Combine(options.DataDir, "keys");

    /// <summary>Loads (or creates) the keys as described on the type; moves a legacy database key out of the database.</summary>
    /// <exception cref="InvalidOperationException">A configured key is not base64 of at least 32 bytes, or its file is missing.</exception>
    public static async Task<JwtKeyRing> LoadAsync(EcOptions options, SettingsStore settings, CancellationToken ct)
    {
        var folder = KeyFolder(options);
        var legacy = await settings.GetAsync(LegacySettingsKey, ct);
        byte[] current;
        string source;
        var moved = false;
        if (options.JwtKey is { } configured) (current, source) = (Decode(configured, "EC_JWT_KEY"), "EC_JWT_KEY");
        else if (options.JwtKeyFile is { } file)
        {
            if (!File.Exists(file)) throw new InvalidOperationException($"EC_JWT_KEY_FILE '{file}' does not exist.");
            current = Decode((await File.ReadAllTextAsync(file, ct)).Trim(), "EC_JWT_KEY_FILE");
            source = file;
        }
        else
        {
            var path = source = Path.Combine(folder, KeyFileName);
            if (File.Exists(path)) current = Decode((await File.ReadAllTextAsync(path, ct)).Trim(), path);
            else
            {
                moved = legacy is not null;
                current = legacy is not null ? Decode(legacy, "the settings table") : RandomNumberGenerator.GetBytes(64);
                WritePrivate(folder, path, Convert.ToBase64String(current));
                current = Decode((await File.ReadAllTextAsync(path, ct)).Trim(), path); // another instance may have won the race
            }
        }
        // The key is in a file or in configuration now: it must not stay readable in the database (or its backups).
        if (legacy is not null) await settings.DeleteAsync(LegacySettingsKey, ct);

        var retired = new List<byte[]>();
        foreach (var b64 in options.JwtPreviousKeys) retired.Add(Decode(b64, "EC_JWT_PREVIOUS_KEYS"));
        if (Directory.Exists(folder))
            foreach (var f in Directory.GetFiles(folder, "jwt-*.key").Order(StringComparer.Ordinal))
                retired.Add(Decode((await File.ReadAllTextAsync(f, ct)).Trim(), f));
        // A legacy key that differs from the configured one still verifies the tokens it signed, for this run.
        if (legacy is not null && Decode(legacy, "the settings table") is var old && !old.AsSpan().SequenceEqual(current)) retired.Add(old);

        var signing = ToKey(current);
        var verifying = new List<SymmetricSecurityKey> { signing };
        foreach (var r in retired)
            if (verifying.All(k => k.KeyId != ToKey(r).KeyId)) verifying.Add(ToKey(r));
        return new JwtKeyRing(signing, verifying, source, moved);
    }

    /// <summary>The key id of <paramref name="key"/>: the first 8 bytes of its SHA-256 as hex.</summary>
    public static string KeyIdOf(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));

    private static SymmetricSecurityKey ToKey(byte[] bytes) => new(bytes) { KeyId = KeyIdOf(bytes) };

    private static byte[] Decode(string base64, string source)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The JWT key from {source} is not valid base64.");
        }
        if (bytes.Length < MinKeyBytes) throw new InvalidOperationException($"The JWT key from {source} must be at least {MinKeyBytes} bytes.");
        return bytes;
    }

    /// <summary>Writes <paramref name="content"/> to a new file readable only by the server's user (folder 0700, file 0600).</summary>
    private static void WritePrivate(string folder, string path, string content)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var fso = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) fso.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var w = new StreamWriter(tmp, System.Text.Encoding.ASCII, fso))
        {
            w.Write(content);
            w.Flush();
            ((FileStream)w.BaseStream).Flush(flushToDisk: true);
        }
        // Two instances starting on one folder: the first rename wins, the other keeps (and loads) that file.
        try
        {
            File.Move(tmp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(tmp);
        }
    }
}
