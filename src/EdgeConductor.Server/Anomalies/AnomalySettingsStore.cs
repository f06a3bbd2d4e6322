using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Anomalies;

/// <summary>
/// Per-org anomaly settings (table anomaly_settings, one JSON document per org; no row = <see cref="AnomalySettings.Default"/>).
/// The detector reads them through a cache of <see cref="CacheTtl"/>; a change on this instance is seen at once, a change
/// made on another server instance within <see cref="CacheTtl"/>.
/// </summary>
public sealed class AnomalySettingsStore(Database db, TimeProvider clock)
{
    /// <summary>How long the detector may use cached settings.</summary>
    public static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(30);

    internal static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly ConcurrentDictionary<string, (AnomalySettings Settings, long LoadedAt)> _cache = new();

    /// <summary>The org's settings, from the cache when fresh.</summary>
    public async ValueTask<AnomalySettings> GetCachedAsync(string orgId, CancellationToken ct)
    {
        var now = clock.Ms();
        if (_cache.TryGetValue(orgId, out var c) && now - c.LoadedAt < CacheTtl.TotalMilliseconds && now >= c.LoadedAt) return c.Settings;
        var s = await GetAsync(orgId, ct);
        _cache[orgId] = (s, now);
        return s;
    }

    /// <summary>The org's settings from the database.</summary>
    public async Task<AnomalySettings> GetAsync(string orgId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var json = await conn.QuerySingleOrDefaultAsync<string>("SELECT settings FROM anomaly_settings WHERE org_id = @orgId", new { orgId });
        return json is null ? AnomalySettings.Default : JsonSerializer.Deserialize<AnomalySettings>(json, Json) ?? AnomalySettings.Default;
    }

    /// <summary>Stores the org's settings (whole document) and refreshes this instance's cache.</summary>
    public async Task SaveAsync(string orgId, AnomalySettings settings, CancellationToken ct)
    {
        var now = clock.Ms();
        var json = JsonSerializer.Serialize(settings, Json);
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO anomaly_settings (org_id, settings, updated_at) VALUES (@orgId, @json, @now)
            ON CONFLICT (org_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at
            """, new { orgId, json, now });
        _cache[orgId] = (settings, now);
    }
}
