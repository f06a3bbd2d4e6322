using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Notifications;

/// <summary>In-app notifications: <c>client.Notifications</c>.</summary>
public sealed class NotificationsClient
{
    private readonly ApiTransport _api;

    internal NotificationsClient(ApiTransport api) => _api = api;

    private sealed record MarkAllResult(int Updated);

    /// <summary>The org's notifications, newest first (50 unless <paramref name="limit"/> says otherwise, at most 500).</summary>
    public Task<IReadOnlyList<Notification>> ListAsync(string orgId, bool unreadOnly = false, int? limit = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<IReadOnlyList<Notification>>(HttpMethod.Get, ApiTransport.WithQuery($"orgs/{ApiTransport.Segment(orgId)}/notifications",
            ("unread", unreadOnly ? true : null), ("limit", limit)), null, true, cancellationToken);

    /// <summary>Marks one notification read and returns it.</summary>
    public Task<Notification> MarkReadAsync(string notificationId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<Notification>(HttpMethod.Patch, $"notifications/{ApiTransport.Segment(notificationId)}/read", null, false, cancellationToken);

    /// <summary>Marks every notification of the org read; returns how many were unread.</summary>
    public async Task<int> MarkAllReadAsync(string orgId, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync<MarkAllResult>(HttpMethod.Post, $"orgs/{ApiTransport.Segment(orgId)}/notifications/read-all", null, false, cancellationToken)
            .ConfigureAwait(false)).Updated;
}
