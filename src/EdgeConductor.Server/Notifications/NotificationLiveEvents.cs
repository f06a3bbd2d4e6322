using System.Text.Json;
using EdgeConductor.Server.Live;

namespace EdgeConductor.Server.Notifications;

/// <summary>
/// Notification events on the org SSE stream (GET /orgs/:id/stream). They go through <see cref="DeviceEventHub"/> with
/// no serial, so only org streams (never a device stream) match them; the stream writes each one for its own caller:
/// <c>event: notification</c> with <c>{"notification": {...}, "unread_count": N}</c>, and <c>event: unread_count</c>
/// with <c>{"unread_count": N}</c> when the connection opens and whenever that caller's bell changes (read, read-all).
/// </summary>
public static class NotificationLiveEvents
{
    /// <summary>Hub event type of a new notification; <see cref="DeviceEvent.Data"/> is the notification's JSON.</summary>
    public const string NotificationType = "notification";

    /// <summary>Hub event type of a read-state change; <see cref="DeviceEvent.Data"/> is the reader key (<see cref="BellReader"/>).</summary>
    public const string ReadType = "notifications_read";

    /// <summary>SSE event name carrying the caller's unread count.</summary>
    public const string UnreadCountType = "unread_count";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>True for the hub events this class defines (org-level, not about reading a device).</summary>
    public static bool IsNotificationEvent(DeviceEvent e) => e.Type is NotificationType or ReadType;

    /// <summary>The hub event for a newly stored notification.</summary>
    public static DeviceEvent Raised(NotificationStore.NotificationDto n) => new(NotificationType, "", n.OrgId, JsonSerializer.Serialize(n, Json));

    /// <summary>The hub event telling <paramref name="reader"/>'s streams in <paramref name="orgId"/> that its unread count changed.</summary>
    public static DeviceEvent Read(string orgId, string reader) => new(ReadType, "", orgId, reader);
}
