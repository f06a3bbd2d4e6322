using EdgeConductor.Server.Hosting;
using EdgeConductor.Server.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeConductor.Server.Tests.Security;

/// <summary>
/// Secrets at rest: the data folder is created 0700 and every file the server creates there 0600 (the SQLite database
/// with its -wal and -shm files, the generated TLS certificate); a folder or file found too open on start is tightened and
/// the server says so in its log.
/// </summary>
public sealed class DataFolderPermissionsTests
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task FreshStart_CreatesFolder0700_AndDatabaseWalShm0600()
    {
        if (OperatingSystem.IsWindows()) return; // Unix modes only
        var dir = Path.Combine(Path.GetTempPath(), "ec-perm-" + Guid.NewGuid().ToString("N")[..8], "data");
        try
        {
            await using var server = await EcServerFactory.StartAsync(new EcServerOptions { DataDir = dir });
            await server.Api.CreateOrgAsync(); // a write: the -wal and -shm files exist now

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
            var files = Directory.GetFiles(dir);
            Assert.Contains(files, f => f.EndsWith("edgeconductor.db", StringComparison.Ordinal));
            Assert.Contains(files, f => f.EndsWith("-wal", StringComparison.Ordinal));
            foreach (var f in files)
                Assert.True((File.GetUnixFileMode(f) & GroupOrOther) == 0, $"{Path.GetFileName(f)} is {File.GetUnixFileMode(f)}");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }

    [Fact]
    public async Task Start_OnTooOpenFolderAndDatabase_TightensThem_AndLogsIt()
    {
        if (OperatingSystem.IsWindows()) return; // Unix modes only
        var dir = Path.Combine(Path.GetTempPath(), "ec-perm-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using (var first = await EcServerFactory.StartAsync(new EcServerOptions { DataDir = dir }))
                await first.Api.CreateOrgAsync();
            // As an older version (or a careless copy) left them.
            File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            var db = Path.Combine(dir, "edgeconductor.db");
            File.SetUnixFileMode(db, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var keys = Path.Combine(dir, "keys"); // where the JWT signing key lives when it is not configured
            Directory.CreateDirectory(keys);
            File.SetUnixFileMode(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            var keyFile = Path.Combine(keys, "kept.bin");
            File.WriteAllBytes(keyFile, [1, 2, 3]);
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            await using var second = await LogCapturingServer.StartCapturingAsync(new EcServerOptions { DataDir = dir });
            await second.Api.CreateOrgAsync(); // the data is still there and usable

            Assert.Equal(0, (int)(File.GetUnixFileMode(dir) & GroupOrOther));
            Assert.Equal(0, (int)(File.GetUnixFileMode(db) & GroupOrOther));
            Assert.Equal(0, (int)(File.GetUnixFileMode(keys) & GroupOrOther));
            Assert.Equal(0, (int)(File.GetUnixFileMode(keyFile) & GroupOrOther));
            Assert.Contains(second.Log.Lines, l => l.Contains("was open to other users (mode 0755); tightened to 0700", StringComparison.Ordinal));
            Assert.Contains(second.Log.Lines, l => l.Contains("edgeconductor.db was open to other users (mode 0644); tightened to 0600", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void GeneratedTlsCertificate_Is0600_InA0700Folder()
    {
        if (OperatingSystem.IsWindows()) return; // Unix modes only
        var dir = Path.Combine(Path.GetTempPath(), "ec-perm-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var cert = MqttListeners.LoadOrCreateCertificate(new MqttServerOptions(), new EcOptions { DataDir = dir }, NullLogger.Instance);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "mqtt-selfsigned.pfx")));
            Assert.Equal(0, (int)(File.GetUnixFileMode(dir) & GroupOrOther));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
