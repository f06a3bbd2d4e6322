using Dapper;

namespace EdgeConductor.Server.Storage;

/// <summary>Server-wide key/value settings (signing keys and the like), shared by every instance.</summary>
public sealed class SettingsStore(Database db)
{
    /// <summary>Returns the stored value, or stores and returns <paramref name="create"/>'s value (first writer wins).</summary>
    public async Task<string> GetOrCreateAsync(string key, Func<string> create, CancellationToken ct = default)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING",
            new { key, value = create() });
        return await conn.ExecuteScalarAsync<string>("SELECT value FROM settings WHERE key = @key", new { key }) ?? "";
    }
}
