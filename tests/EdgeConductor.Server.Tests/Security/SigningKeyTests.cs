using System.Security.Cryptography;
using EdgeConductor.Server.Auth;
using Microsoft.IdentityModel.JsonWebTokens;

namespace EdgeConductor.Server.Tests.Security;

/// <summary>
/// Issue 8, hardening "secrets at rest": the JWT signing key is never in the database. It comes from EC_JWT_KEY /
/// EC_JWT_KEY_FILE or a 0600 file in the data folder; a key an older version stored in <c>settings</c> is moved to the file;
/// after a rotation the retired key still verifies until it is removed.
/// </summary>
public sealed class SigningKeyTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "ec-keytest-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try { if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true); }
        catch (IOException) { }
    }

    private string KeyFile => Path.Combine(_dataDir, "keys", JwtKeyRing.KeyFileName);

    private Task<EcServerFactory> StartAsync(Dictionary<string, string?>? settings = null) =>
        EcServerFactory.StartAsync(new EcServerOptions { DataDir = _dataDir, Settings = settings ?? [] });

    private static async Task<string?> StoredKeyAsync(EcServerFactory server)
    {
        await using var conn = await server.Database.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT value FROM settings WHERE key = '{JwtKeyRing.LegacySettingsKey}'";
        return (string?)await cmd.ExecuteScalarAsync();
    }

    private static async Task<HttpStatusCode> MeAsync(EcServerFactory server, string token)
    {
        using var c = server.CreateClient(token);
        return (await c.GetAsync($"{EcApi.Base}/auth/me")).StatusCode;
    }

    private static string KidOf(string token) => new JsonWebToken(token).Kid;

    [Fact]
    public async Task FreshStart_KeyIsInA0600FileInA0700Folder_NotInTheDatabase()
    {
        await using var server = await StartAsync();
        var token = await server.Api.AdminTokenAsync();
        Assert.Null(await StoredKeyAsync(server));
        Assert.True(File.Exists(KeyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(KeyFile)!));
        }
        var key = Convert.FromBase64String(File.ReadAllText(KeyFile).Trim());
        Assert.True(key.Length >= 32);
        Assert.Equal(JwtKeyRing.KeyIdOf(key), KidOf(token));
    }

    [Fact]
    public async Task LegacyKeyInTheDatabase_IsMovedToTheFileAndDeleted_OldTokensStillWork()
    {
        string token, legacyKey;
        await using (var first = await StartAsync())
        {
            token = await first.Api.AdminTokenAsync();
            // Put the data folder in the state an older version left it: the key in settings, no key file.
            legacyKey = File.ReadAllText(KeyFile).Trim();
            await using var conn = await first.Database.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = $"INSERT INTO settings (key, value) VALUES ('{JwtKeyRing.LegacySettingsKey}', '{legacyKey}')";
            await cmd.ExecuteNonQueryAsync();
        }
        File.Delete(KeyFile);

        await using var second = await StartAsync();
        Assert.Null(await StoredKeyAsync(second));
        Assert.Equal(legacyKey, File.ReadAllText(KeyFile).Trim());
        Assert.Equal(HttpStatusCode.OK, await MeAsync(second, token));
    }

    [Fact]
    public async Task RotatedKeyFile_OldTokensVerifyUntilTheRetiredFileIsRemoved_NewTokensUseTheNewKey()
    {
        string oldToken;
        await using (var first = await StartAsync()) oldToken = await first.Api.AdminTokenAsync();
        var retired = Path.Combine(_dataDir, "keys", "jwt-2026-11-30.key");
        File.Move(KeyFile, retired);

        string newToken;
        await using (var second = await StartAsync())
        {
            Assert.True(File.Exists(KeyFile));
            newToken = await second.Api.AdminTokenAsync();
            Assert.NotEqual(KidOf(oldToken), KidOf(newToken));
            Assert.Equal(HttpStatusCode.OK, await MeAsync(second, oldToken));
            Assert.Equal(HttpStatusCode.OK, await MeAsync(second, newToken));
        }

        File.Delete(retired);
        await using var third = await StartAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(third, oldToken));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(third, newToken));
    }

    [Fact]
    public async Task ConfiguredKeys_SignWithEcJwtKey_VerifyWithEcJwtPreviousKeys_NoKeyFileCreated()
    {
        var k1 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var k2 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        string t1;
        await using (var first = await StartAsync(new() { ["EC_JWT_KEY"] = k1 }))
        {
            t1 = await first.Api.AdminTokenAsync();
            Assert.Equal(JwtKeyRing.KeyIdOf(Convert.FromBase64String(k1)), KidOf(t1));
        }
        Assert.False(File.Exists(KeyFile));

        await using (var second = await StartAsync(new() { ["EC_JWT_KEY"] = k2, ["EC_JWT_PREVIOUS_KEYS"] = k1 }))
        {
            Assert.Equal(HttpStatusCode.OK, await MeAsync(second, t1));
            Assert.Equal(JwtKeyRing.KeyIdOf(Convert.FromBase64String(k2)), KidOf(await second.Api.AdminTokenAsync()));
        }

        await using var third = await StartAsync(new() { ["EC_JWT_KEY"] = k2 });
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(third, t1));
    }

    [Fact]
    public async Task KeyFromEcJwtKeyFile_IsUsed()
    {
        var k = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        Directory.CreateDirectory(_dataDir);
        var file = Path.Combine(_dataDir, "mounted-secret");
        File.WriteAllText(file, k + "\n");
        await using var server = await StartAsync(new() { ["EC_JWT_KEY_FILE"] = file });
        Assert.Equal(JwtKeyRing.KeyIdOf(Convert.FromBase64String(k)), KidOf(await server.Api.AdminTokenAsync()));
        Assert.False(File.Exists(KeyFile));
    }
}
