using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Notifications;

/// <summary>In-app notifications: <c>client.Notifications</c>.</summary>
public sealed class NotificationsClient
{
    private readonly ApiTransport _api;

    internal NotificationsClient(ApiTransport api) => _api = api;

    private sealed record MarkAllResult(int Updated);

    private sealed record UnreadCountResult(int UnreadCount);

    private sealed record TestEmailResult(bool Sent, string To);

    private sealed record PreferencesUpdate(bool? EmailEnabled, IReadOnlyList<string>? EmailKinds);

    /// <summary>The org's notifications, newest first (50 unless <paramref name="limit"/> says otherwise, at most 500).</summary>
    public Task<IReadOnlyList<Notification>> ListAsync(string orgId, bool unreadOnly = false, int? limit = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<IReadOnlyList<Notification>>(HttpMethod.Get, ApiTransport.WithQuery($"orgs/{ApiTransport.Segment(orgId)}/notifications",
            ("unread", unreadOnly ? true : null), ("limit", limit)), null, true, cancellationToken);

    /// <summary>How many of the org's notifications the caller has not read.</summary>
    public async Task<int> UnreadCountAsync(string orgId, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync<UnreadCountResult>(HttpMethod.Get, $"orgs/{ApiTransport.Segment(orgId)}/notifications/unread-count", null, true,
            cancellationToken).ConfigureAwait(false)).UnreadCount;

    /// <summary>Sends a sample notification e-mail now (org managers; 409 when the server has no SMTP configured). Returns the address.</summary>
    /// <param name="orgId">The org whose branding the e-mail carries.</param>
    /// <param name="to">Default: the caller's own address; otherwise an admin or partner user of the org.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<string> SendTestEmailAsync(string orgId, string? to = null, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync<TestEmailResult>(HttpMethod.Post, $"orgs/{ApiTransport.Segment(orgId)}/notifications/test-email",
            new Dictionary<string, string?> { ["to"] = to }, false, cancellationToken).ConfigureAwait(false)).To;

    /// <summary>The calling user's e-mail preferences (users only; an API key gets 403).</summary>
    public Task<NotificationPreferences> GetPreferencesAsync(CancellationToken cancellationToken = default) =>
        _api.SendAsync<NotificationPreferences>(HttpMethod.Get, "users/me/notification-preferences", null, true, cancellationToken);

    /// <summary>Changes the calling user's e-mail preferences; a null argument keeps its value.</summary>
    public Task<NotificationPreferences> SetPreferencesAsync(bool? emailEnabled = null, IReadOnlyList<string>? emailKinds = null,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync<NotificationPreferences>(HttpMethod.Put, "users/me/notification-preferences", new PreferencesUpdate(emailEnabled, emailKinds),
            false, cancellationToken);

    /// <summary>Marks one notification read and returns it.</summary>
    public Task<Notification> MarkReadAsync(string notificationId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<Notification>(HttpMethod.Patch, $"notifications/{ApiTransport.Segment(notificationId)}/read", null, false, cancellationToken);

    /// <summary>Marks every notification of the org read for the caller; returns how many were unread.</summary>
    public async Task<int> MarkAllReadAsync(string orgId, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync<MarkAllResult>(HttpMethod.Post, $"orgs/{ApiTransport.Segment(orgId)}/notifications/read-all", null, false, cancellationToken)
            .ConfigureAwait(false)).Updated;
}
