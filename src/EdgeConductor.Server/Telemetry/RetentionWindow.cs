using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Telemetry;

/// <summary>
/// How far back a reading may be dated: an org's telemetry retention (<c>orgs.telemetry_retention_days</c>, 1–3650), or
/// <see cref="TelemetryOptions.DefaultRetentionDays"/> for a device in no org. A reading older than that would be pruned
/// by the next retention pass, so ingest refuses it instead. The org is read (one primary-key lookup, never cached, so a
/// changed retention applies at once) only when a message carries a reading more than a day old (no retention is
/// shorter): live telemetry never waits for this.
/// </summary>
internal sealed class RetentionWindow(OrgStore orgs, TelemetryOptions options)
{
    private const long DayMs = 86_400_000;

    /// <summary>Null when every reading is within the retention; else the error naming the first one that is not.</summary>
    public async ValueTask<string?> CheckAsync(string? orgId, IReadOnlyList<DevicePayload> readings, long now, CancellationToken ct)
    {
        var oldest = long.MaxValue;
        foreach (var r in readings) oldest = Math.Min(oldest, r.Ts);
        if (oldest >= now - DayMs) return null;
        var days = orgId is null ? options.DefaultRetentionDays
            : (await orgs.FindAsync(orgId, ct))?.TelemetryRetentionDays ?? options.DefaultRetentionDays;
        var cutoff = now - days * DayMs;
        for (var i = 0; i < readings.Count; i++)
        {
            if (readings[i].Ts >= cutoff) continue;
            var what = readings.Count == 1 ? "ts" : $"reading [{i}]: ts";
            return $"{what} is older than the telemetry retention of {days} day(s); such a reading would be deleted at once";
        }
        return null;
    }
}
