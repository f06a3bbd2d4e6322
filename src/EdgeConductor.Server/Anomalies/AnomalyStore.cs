using System.Data.Common;
using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Anomalies;

/// <summary>Stored anomalies, their acknowledgement, and the per device-field cooldown state (tables of schema 9).</summary>
public sealed class AnomalyStore(Database db, TimeProvider clock)
{
    /// <summary>A new anomaly to raise. <see cref="Ts"/> is the reading's time (Unix ms).</summary>
    public sealed record NewAnomaly(string OrgId, string DeviceId, string Serial, string Field, double Value, long Ts, AnomalyFinding Finding);

    /// <summary>List filters of <c>GET /orgs/:id/anomalies</c>; null means any.</summary>
    public sealed record Filter(bool UnackedOnly, string? Severity, string? Field, string? Serial);

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string OrgId { get; set; } = "";
        public string DeviceSerial { get; set; } = "";
        public string Field { get; set; } = "";
        public double Value { get; set; }
        public double Baseline { get; set; }
        public double DeviationPct { get; set; }
        public string Severity { get; set; } = "";
        public string Detector { get; set; } = "";
        public long Ts { get; set; }
        public long CreatedAt { get; set; }
        public string? AcknowledgedBy { get; set; }
        public long? AcknowledgedAt { get; set; }

        public AnomalyDto ToDto() => new(Id, OrgId, DeviceSerial, Field, Value, Baseline, DeviationPct, Severity, Detector,
            Times.ToUtc(Ts), Times.ToUtc(CreatedAt), AcknowledgedAt is not null, AcknowledgedBy, Times.ToUtc(AcknowledgedAt));
    }

    private const string Columns = "id, org_id, device_serial, field, value, baseline, deviation_pct, severity, detector, ts, created_at, acknowledged_by, acknowledged_at";

    /// <summary>
    /// Raises <paramref name="a"/> unless the (device, field) cooldown holds it back: claims the cooldown slot (no alert in
    /// the last <see cref="AnomalyRules.Cooldown"/>, or the last one was a warning and this one is critical) with one
    /// conditional upsert and stores the anomaly in the same transaction. Returns the stored anomaly, or null when the
    /// cooldown suppressed it. Two server instances racing on one database raise it at most once.
    /// </summary>
    public async Task<AnomalyDto?> TryRaiseAsync(NewAnomaly a, CancellationToken ct)
    {
        var now = clock.Ms();
        var cutoff = now - (long)AnomalyRules.Cooldown.TotalMilliseconds;
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var claimed = await conn.ExecuteAsync("""
            INSERT INTO anomaly_alert_state (device_id, field, last_alert_at, last_severity) VALUES (@DeviceId, @Field, @now, @severity)
            ON CONFLICT (device_id, field) DO UPDATE SET last_alert_at = excluded.last_alert_at, last_severity = excluded.last_severity
            WHERE anomaly_alert_state.last_alert_at <= @cutoff
               OR (anomaly_alert_state.last_severity = 'warning' AND excluded.last_severity = 'critical')
            """, new { a.DeviceId, a.Field, now, severity = a.Finding.Severity, cutoff }, tx);
        if (claimed == 0)
        {
            await tx.RollbackAsync(ct);
            return null;
        }
        var row = new Row
        {
            Id = Ids.New(), OrgId = a.OrgId, DeviceSerial = a.Serial, Field = a.Field, Value = a.Value, Baseline = a.Finding.Baseline,
            DeviationPct = Math.Round(a.Finding.DeviationPct, 2), Severity = a.Finding.Severity, Detector = a.Finding.Detector, Ts = a.Ts, CreatedAt = now,
        };
        await conn.ExecuteAsync($"""
            INSERT INTO anomalies (id, org_id, device_id, device_serial, field, value, baseline, deviation_pct, severity, detector, ts, created_at)
            VALUES (@Id, @OrgId, @deviceId, @DeviceSerial, @Field, @Value, @Baseline, @DeviationPct, @Severity, @Detector, @Ts, @CreatedAt)
            """, new { row.Id, row.OrgId, deviceId = a.DeviceId, row.DeviceSerial, row.Field, row.Value, row.Baseline, row.DeviationPct,
                row.Severity, row.Detector, row.Ts, row.CreatedAt }, tx);
        await tx.CommitAsync(ct);
        return row.ToDto();
    }

    /// <summary>An org's anomalies, newest detection first.</summary>
    public async Task<IReadOnlyList<AnomalyDto>> ListAsync(string orgId, Filter f, Paging page, CancellationToken ct)
    {
        var sql = $"SELECT {Columns} FROM anomalies WHERE org_id = @orgId"
                  + (f.UnackedOnly ? " AND acknowledged_at IS NULL" : "")
                  + (f.Severity is null ? "" : " AND severity = @Severity")
                  + (f.Field is null ? "" : " AND field = @Field")
                  + (f.Serial is null ? "" : " AND device_serial = @Serial")
                  + " ORDER BY created_at DESC, id DESC LIMIT @Limit OFFSET @Offset";
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<Row>(sql, new { orgId, f.Severity, f.Field, f.Serial, page.Limit, page.Offset })).Select(r => r.ToDto()).ToList();
    }

    /// <summary>One anomaly, or null.</summary>
    public async Task<AnomalyDto?> FindAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await FindAsync(conn, id);
    }

    /// <summary>
    /// Acknowledges the anomaly as <paramref name="by"/> (a user or API key id) if it is not yet; an acknowledged one keeps
    /// its first acknowledgement. Returns whether this call changed it.
    /// </summary>
    public async Task<bool> AcknowledgeAsync(string id, string by, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("UPDATE anomalies SET acknowledged_by = @by, acknowledged_at = @now WHERE id = @id AND acknowledged_at IS NULL",
            new { by, now = clock.Ms(), id }) == 1;
    }

    private static async Task<AnomalyDto?> FindAsync(DbConnection conn, string id) =>
        (await conn.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM anomalies WHERE id = @id", new { id }))?.ToDto();
}
