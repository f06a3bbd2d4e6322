using System.Data.Common;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Storage;
using Npgsql;
using NpgsqlTypes;

namespace EdgeConductor.Server.Telemetry;

/// <summary>
/// Idempotent re-sends (a tracker re-sending its buffer after a lost PUBACK or HTTP response): a reading with the same
/// device, <c>ts</c> and identical content (compared as JSON values, member order and number spelling aside) as a stored
/// reading, or as an earlier reading of the same batch, is not stored again. Only readings whose <c>ts</c> came from the
/// device are checked: a reading stamped with the receive time cannot be a re-send of a stored one. Runs inside the
/// writer's transaction (SQLite's write lock, or the single writer per instance on PostgreSQL; two instances receiving
/// the same re-send at the same moment may both store it).
/// </summary>
internal static class TelemetryDuplicates
{
    /// <summary>The readings of <paramref name="batch"/>'s telemetry messages to store, in order; sets each item's <see cref="IngestItem.Duplicates"/>.</summary>
    public static async Task<List<(IngestItem Item, DevicePayload Payload)>> FreshAsync(Database db, DbConnection conn, DbTransaction tx, List<IngestItem> batch)
    {
        var fresh = new List<(IngestItem, DevicePayload)>();
        var keys = new HashSet<(string DeviceId, long Ts)>();
        foreach (var item in batch)
        {
            if (item.Kind != Gateway.DeviceMessageKind.Telemetry) continue;
            foreach (var p in item.Payloads)
                if (p.HasTs) keys.Add((item.Device.Id, p.Ts));
        }
        var stored = keys.Count == 0 ? new Dictionary<(string, long), List<JsonNode?>>() : await StoredAsync(db, conn, tx, keys);
        foreach (var item in batch)
        {
            if (item.Kind != Gateway.DeviceMessageKind.Telemetry) continue;
            foreach (var p in item.Payloads)
            {
                if (p.HasTs)
                {
                    var key = (item.Device.Id, p.Ts);
                    var candidate = p.ToJsonObject();
                    if (stored.TryGetValue(key, out var same) && same.Any(s => JsonNode.DeepEquals(s, candidate)))
                    {
                        item.Duplicates++;
                        continue;
                    }
                    if (same is null) stored[key] = same = [];
                    same.Add(candidate);
                }
                fresh.Add((item, p));
            }
        }
        return fresh;
    }

    private static async Task<Dictionary<(string, long), List<JsonNode?>>> StoredAsync(Database db, DbConnection conn, DbTransaction tx,
        HashSet<(string DeviceId, long Ts)> keys)
    {
        var result = new Dictionary<(string, long), List<JsonNode?>>();
        if (db.Engine == DbEngine.Sqlite)
        {
            using var select = SqliteStatement.Prepare(conn, "SELECT payload FROM telemetry WHERE device_id = ?1 AND ts = ?2");
            foreach (var key in keys)
            {
                var rows = select.Bind(1, key.DeviceId).Bind(2, key.Ts).QueryFirstColumnText();
                if (rows.Count > 0) result[key] = rows.Select(r => JsonNode.Parse(r)).ToList();
            }
            return result;
        }
        await using var cmd = (NpgsqlCommand)conn.CreateCommand();
        cmd.Transaction = (NpgsqlTransaction)tx;
        cmd.CommandText = "SELECT t.device_id, t.ts, t.payload::text FROM telemetry t JOIN unnest($1, $2) AS k(d, ts) ON t.device_id = k.d AND t.ts = k.ts";
        cmd.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.DeviceId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Ts).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var key = (r.GetString(0), r.GetInt64(1));
            if (!result.TryGetValue(key, out var list)) result[key] = list = [];
            list.Add(JsonNode.Parse(r.GetString(2)));
        }
        return result;
    }
}
