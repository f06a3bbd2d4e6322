using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Notifications;
using EdgeConductor.Server.Shadow;

namespace EdgeConductor.Server.Presence;

/// <summary>
/// Offline/online transitions: after <see cref="PresenceOptions.OfflineAfter"/> of silence a device gets exactly one
/// device_offline audit event and notification (offline_alerted_at), and device_online when it is heard again.
/// </summary>
public sealed class PresenceService(ShadowStore shadows, TimeProvider clock, PresenceOptions options, AuditLog audit,
    INotifier notifications, ILogger<PresenceService> log)
{
    /// <summary>One detector pass; returns the serials newly marked offline. Safe with several instances (each device is claimed once).</summary>
    public async Task<IReadOnlyList<string>> DetectOfflineAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var cutoff = now - (long)options.OfflineAfter.TotalMilliseconds;
        var marked = new List<string>();
        await foreach (var d in shadows.ClaimSilentAsync(cutoff, now, ct))
        {
            marked.Add(d.SerialNo);
            var silentFor = TimeSpan.FromMilliseconds(now - d.LastSeen);
            await audit.WriteAsync(new AuditEntry(d.OrgId, AuditActions.DeviceOffline, "system", null, "device", d.SerialNo,
                new { last_seen = DateTimeOffset.FromUnixTimeMilliseconds(d.LastSeen).UtcDateTime, silent_minutes = (int)silentFor.TotalMinutes }), ct);
            if (d.OrgId is not null)
                await notifications.NotifyAsync(new NotificationEvent(d.OrgId, NotificationKinds.DeviceOffline, "warning", $"{d.SerialNo} is offline",
                    $"No data from {d.SerialNo} for {(int)silentFor.TotalMinutes} minutes.", d.SerialNo), ct);
        }
        if (marked.Count > 0) log.LogInformation("Marked {Count} device(s) offline", marked.Count);
        return marked;
    }

    /// <summary>Called after a message from a device that had been alerted offline has been committed.</summary>
    public async Task DeviceReturnedAsync(DeviceRef device, CancellationToken ct)
    {
        await audit.WriteAsync(new AuditEntry(device.OrgId, AuditActions.DeviceOnline, "system", null, "device", device.Serial), ct);
        if (device.OrgId is not null)
            await notifications.NotifyAsync(new NotificationEvent(device.OrgId, NotificationKinds.DeviceOnline, "info", $"{device.Serial} is back online", null, device.Serial), ct);
    }
}
