using Dapper;

namespace EdgeConductor.Server.Storage;

/// <summary>Server-wide key/value settings shared by every instance. Not for secrets: the JWT key lives in <see cref="Auth.JwtKeyRing"/>.</summary>
public sealed class SettingsStore(Database db)
{
    /// <summary>The stored value of <paramref name="key"/>, or null.</summary>
    public async Task<string?> GetAsync(string key, CancellationToken ct = default)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteScalarAsync<string?>("SELECT value FROM settings WHERE key = @key", new { key });
    }

    /// <summary>Removes <paramref name="key"/> (no error when it is absent).</summary>
    public async Task DeleteAsync(string key, CancellationToken ct = default)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("DELETE FROM settings WHERE key = @key", new { key });
    }

    /// <summary>Returns the stored value, or stores and returns <paramref name="create"/>'s value (first writer wins).</summary>
    public async Task<string> GetOrCreateAsync(string key, Func<string> create, CancellationToken ct = default)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING",
            new { key, value = create() });
        return await conn.ExecuteScalarAsync<string>("SELECT value FROM settings WHERE key = @key", new { key }) ?? "";
    }
}
