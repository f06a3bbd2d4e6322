using System.Data.Common;
using System.Globalization;
using Dapper;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Broker.Persistence;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Mqtt.Persistence;

/// <summary>
/// The broker's <see cref="IBrokerStateStore"/> on <see cref="Database"/> (SQLite or PostgreSQL, migration 5: tables
/// mqtt_retained, mqtt_sessions, mqtt_subscriptions, mqtt_queue). Each batch of changes is one transaction, applied in
/// order. On load, sessions whose owner is gone (a deleted device, a revoked API key, anonymous access switched off) are
/// deleted instead of restored (<see cref="BrokerOwnerCheck"/>).
/// </summary>
public sealed class SqlBrokerStateStore(Database db, BrokerOwnerCheck owners, ILogger<SqlBrokerStateStore> log) : IBrokerStateStore
{
    /// <inheritdoc />
    public async Task<BrokerStateSnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var conn = await db.OpenAsync(cancellationToken);
        var retained = (await conn.QueryAsync<RetainedRow>("SELECT topic, message, sender, expires_at FROM mqtt_retained"))
            .Select(r => new StoredRetainedMessage(r.Topic, r.Message, r.Sender, r.ExpiresAt)).ToList();
        var sessions = (await conn.QueryAsync<SessionRow>("SELECT owner, client_id, expiry_interval, expires_at FROM mqtt_sessions")).AsList();

        var gone = new List<SessionRow>();
        var alive = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var s in sessions)
        {
            if (!alive.TryGetValue(s.Owner, out var ok))
            {
                alive[s.Owner] = ok = await owners.StillExistsAsync(s.Owner, cancellationToken);
            }
            if (!ok) gone.Add(s);
        }
        if (gone.Count > 0)
        {
            await using var tx = await conn.BeginTransactionAsync(cancellationToken);
            foreach (var s in gone) await DeleteSessionAsync(conn, tx, new MqttSessionKey(s.Owner, s.ClientId));
            await tx.CommitAsync(cancellationToken);
            log.LogInformation("Dropped {Count} stored MQTT session(s) whose owner no longer exists", gone.Count);
        }

        var kept = new HashSet<(string, string)>(sessions.Except(gone).Select(s => (s.Owner, s.ClientId)));
        var subscriptions = (await conn.QueryAsync<SubscriptionRow>("SELECT owner, client_id, filter, options, subscription_id FROM mqtt_subscriptions"))
            .Where(r => kept.Contains((r.Owner, r.ClientId)))
            .Select(r => new StoredSubscription(new MqttSessionKey(r.Owner, r.ClientId), r.Filter, (byte)r.Options, (uint)r.SubscriptionId)).ToList();
        var queued = (await conn.QueryAsync<QueueRow>(
                "SELECT id, owner, client_id, message, sender, qos, retain_flag, subscription_ids, expires_at, packet_id, released FROM mqtt_queue ORDER BY id"))
            .Select(r => new StoredQueuedMessage(r.Id, new MqttSessionKey(r.Owner, r.ClientId), r.Message, r.Sender, (byte)r.Qos, r.RetainFlag != 0,
                ParseIds(r.SubscriptionIds), r.ExpiresAt, (ushort)r.PacketId, r.Released != 0)).ToList();
        log.LogInformation("Read the stored MQTT broker state ({Sessions} sessions, {Subscriptions} subscriptions, {Queued} queued, {Retained} retained) in {Ms:F0} ms",
            sessions.Count - gone.Count, subscriptions.Count, queued.Count, retained.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new BrokerStateSnapshot(retained,
            [.. sessions.Except(gone).Select(s => new StoredSession(new MqttSessionKey(s.Owner, s.ClientId), (uint)s.ExpiryInterval, s.ExpiresAt))],
            subscriptions, queued);
    }

    /// <inheritdoc />
    public async Task ApplyAsync(IReadOnlyList<BrokerStateChange> changes, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        foreach (var change in changes)
        {
            switch (change)
            {
                case BrokerStateChange.RetainedSet { Message: var m }:
                    await conn.ExecuteAsync("""
                        INSERT INTO mqtt_retained (topic, message, sender, expires_at) VALUES (@Topic, @Message, @SenderClientId, @ExpiresAtUnixMs)
                        ON CONFLICT (topic) DO UPDATE SET message = excluded.message, sender = excluded.sender, expires_at = excluded.expires_at
                        """, m, tx);
                    break;
                case BrokerStateChange.RetainedDeleted d:
                    await conn.ExecuteAsync("DELETE FROM mqtt_retained WHERE topic = @Topic", d, tx);
                    break;
                case BrokerStateChange.SessionSaved { Session: var s }:
                    await conn.ExecuteAsync("""
                        INSERT INTO mqtt_sessions (owner, client_id, expiry_interval, expires_at) VALUES (@owner, @client, @interval, @expires)
                        ON CONFLICT (owner, client_id) DO UPDATE SET expiry_interval = excluded.expiry_interval, expires_at = excluded.expires_at
                        """, new { owner = s.Key.Owner, client = s.Key.ClientId, interval = (long)s.ExpiryInterval, expires = s.ExpiresAtUnixMs }, tx);
                    break;
                case BrokerStateChange.SessionDeleted d:
                    await DeleteSessionAsync(conn, tx, d.Key);
                    break;
                case BrokerStateChange.SubscriptionSaved { Subscription: var s }:
                    await conn.ExecuteAsync("""
                        INSERT INTO mqtt_subscriptions (owner, client_id, filter, options, subscription_id) VALUES (@owner, @client, @filter, @options, @id)
                        ON CONFLICT (owner, client_id, filter) DO UPDATE SET options = excluded.options, subscription_id = excluded.subscription_id
                        """, new { owner = s.Key.Owner, client = s.Key.ClientId, filter = s.Filter, options = (int)s.Options, id = (long)s.SubscriptionId }, tx);
                    break;
                case BrokerStateChange.SubscriptionDeleted d:
                    await conn.ExecuteAsync("DELETE FROM mqtt_subscriptions WHERE owner = @owner AND client_id = @client AND filter = @filter",
                        new { owner = d.Key.Owner, client = d.Key.ClientId, filter = d.Filter }, tx);
                    break;
                case BrokerStateChange.MessageQueued { Message: var q }:
                    await conn.ExecuteAsync("""
                        INSERT INTO mqtt_queue (id, owner, client_id, message, sender, qos, retain_flag, subscription_ids, expires_at, packet_id, released)
                        VALUES (@id, @owner, @client, @message, @sender, @qos, @retain, @ids, @expires, 0, 0)
                        """, new
                    {
                        id = q.Id, owner = q.Key.Owner, client = q.Key.ClientId, message = q.Message, sender = q.SenderClientId, qos = (int)q.QoS,
                        retain = q.Retain ? 1 : 0, ids = FormatIds(q.SubscriptionIds), expires = q.ExpiresAtUnixMs,
                    }, tx);
                    break;
                case BrokerStateChange.MessageDone d:
                    await conn.ExecuteAsync("DELETE FROM mqtt_queue WHERE id = @Id", d, tx);
                    break;
                case BrokerStateChange.MessageInflight f:
                    await conn.ExecuteAsync("UPDATE mqtt_queue SET packet_id = @packet, released = @released WHERE id = @id",
                        new { id = f.Id, packet = (int)f.PacketId, released = f.Released ? 1 : 0 }, tx);
                    break;
                default:
                    throw new NotSupportedException($"Unknown broker state change {change.GetType().Name}.");
            }
        }
        await tx.CommitAsync(cancellationToken);
    }

    private static async Task DeleteSessionAsync(DbConnection conn, DbTransaction tx, MqttSessionKey key)
    {
        var p = new { owner = key.Owner, client = key.ClientId };
        await conn.ExecuteAsync("DELETE FROM mqtt_subscriptions WHERE owner = @owner AND client_id = @client", p, tx);
        await conn.ExecuteAsync("DELETE FROM mqtt_queue WHERE owner = @owner AND client_id = @client", p, tx);
        await conn.ExecuteAsync("DELETE FROM mqtt_sessions WHERE owner = @owner AND client_id = @client", p, tx);
    }

    private static string? FormatIds(uint[]? ids) => ids is null ? null : string.Join(',', ids);

    private static uint[]? ParseIds(string? ids) =>
        string.IsNullOrEmpty(ids) ? null : [.. ids.Split(',').Select(i => uint.Parse(i, CultureInfo.InvariantCulture))];

    // Rows are classes with settable properties (not positional records): Dapper then converts column types per property,
    // and PostgreSQL INTEGER (int4) and SQLite INTEGER (int8) both fill a long.
    private sealed class RetainedRow
    {
        public string Topic { get; set; } = "";
        public byte[] Message { get; set; } = [];
        public string? Sender { get; set; }
        public long? ExpiresAt { get; set; }
    }

    private sealed class SessionRow
    {
        public string Owner { get; set; } = "";
        public string ClientId { get; set; } = "";
        public long ExpiryInterval { get; set; }
        public long? ExpiresAt { get; set; }
    }

    private sealed class SubscriptionRow
    {
        public string Owner { get; set; } = "";
        public string ClientId { get; set; } = "";
        public string Filter { get; set; } = "";
        public long Options { get; set; }
        public long SubscriptionId { get; set; }
    }

    private sealed class QueueRow
    {
        public long Id { get; set; }
        public string Owner { get; set; } = "";
        public string ClientId { get; set; } = "";
        public byte[] Message { get; set; } = [];
        public string? Sender { get; set; }
        public long Qos { get; set; }
        public long RetainFlag { get; set; }
        public string? SubscriptionIds { get; set; }
        public long? ExpiresAt { get; set; }
        public long PacketId { get; set; }
        public long Released { get; set; }
    }
}
