using System.Text;
using EdgeConductor.Server.Live;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Notifications;

/// <summary>
/// One org stream's view of the bell (<see cref="NotificationLiveEvents"/>): renders notification hub events as SSE
/// text for one caller, after checking at delivery time that the caller may still read the org's bell
/// (<see cref="LiveRights.MayReadOrgAsync"/>), with that caller's own unread count.
/// </summary>
public sealed class NotificationFeed(NotificationStore store, LiveRights rights, string orgId, string reader)
{
    /// <summary>The <c>unread_count</c> event for the stream's first lines, or null when the caller may not read the bell.</summary>
    public async Task<string?> OpeningAsync(CancellationToken ct) =>
        await rights.MayReadOrgAsync(orgId, ct) ? Sse(NotificationLiveEvents.UnreadCountType, await CountJsonAsync(ct)) : null;

    /// <summary>The SSE text for hub event <paramref name="e"/>, or null when this caller gets nothing for it.</summary>
    public async Task<string?> RenderAsync(DeviceEvent e, CancellationToken ct)
    {
        if (e.OrgId != orgId || !await rights.MayReadOrgAsync(orgId, ct)) return null;
        if (e.Type == NotificationLiveEvents.NotificationType)
        {
            var count = await store.UnreadCountAsync(orgId, reader, ct);
            return Sse(NotificationLiveEvents.NotificationType, $"{{\"notification\":{e.Data},\"unread_count\":{count}}}");
        }

        return e.Type == NotificationLiveEvents.ReadType && e.Data == reader
            ? Sse(NotificationLiveEvents.UnreadCountType, await CountJsonAsync(ct))
            : null;
    }

    private async Task<string> CountJsonAsync(CancellationToken ct) => $"{{\"unread_count\":{await store.UnreadCountAsync(orgId, reader, ct)}}}";

    private static string Sse(string type, string data) =>
        new StringBuilder().Append("event: ").Append(type).Append('\n').Append("data: ").Append(data).Append("\n\n").ToString();
}
