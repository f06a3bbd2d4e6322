using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Server.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Cli.Tests.Sdk;

[Collection(ServerCollection.Name)]
public sealed class NotificationsClientTests(ServerFixture server)
{
    [Fact]
    public async Task ListMarkReadMarkAllRead()
    {
        var org = await server.CreateOrgAsync();
        // Notifications are raised by presence changes (15 minutes of silence); raise two directly instead.
        var store = server.Services.GetRequiredService<NotificationStore>();
        await store.CreateAsync(org.Id, "device_offline", "warning", "EC-N-1 went offline", "Silent for 15 minutes.", "EC-N-1", CancellationToken.None);
        await store.CreateAsync(org.Id, "device_offline", "warning", "EC-N-2 went offline", null, "EC-N-2", CancellationToken.None);
        using var ec = server.Client(org.ApiKey);

        var all = await ec.Notifications.ListAsync(org.Id);
        var unreadBefore = await ec.Notifications.UnreadCountAsync(org.Id);
        var read = await ec.Notifications.MarkReadAsync(all[0].Id);
        var unread = await ec.Notifications.ListAsync(org.Id, unreadOnly: true);
        var updated = await ec.Notifications.MarkAllReadAsync(org.Id);
        var none = await ec.Notifications.ListAsync(org.Id, unreadOnly: true);
        var unreadAfter = await ec.Notifications.UnreadCountAsync(org.Id);
        var prefs = await Assert.ThrowsAsync<EdgeConductor.Sdk.EdgeConductorApiException>(() => ec.Notifications.GetPreferencesAsync());

        Assert.Equal(2, all.Count);
        Assert.All(all, n => Assert.Null(n.ReadAt));
        Assert.NotNull(read.ReadAt);
        Assert.Single(unread);
        Assert.Equal(1, updated);
        Assert.Empty(none);
        Assert.Equal(2, unreadBefore);
        Assert.Equal(0, unreadAfter);
        Assert.Equal(403, prefs.Status); // an API key has no e-mail preferences
    }
}
