using System.Net;
using System.Net.Http.Headers;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using EdgeConductor.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EdgeConductor.Web.Tests.Console;

/// <summary>Org admin pages: API keys (shown once, list by prefix, revoke), the notification bell's live count.</summary>
public sealed class OrgAdminTests(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Api_key_is_shown_once_listed_by_prefix_works_and_revoke_stops_it()
    {
        var admin = await fx.CreateUserAsync("org_admin");
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, admin);
        await page.GotoAsync("/org/api-keys");
        await page.GetByLabel("Key name").FillAsync("ci-pipeline");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate key" }).ClickAsync();
        var shown = page.GetByTestId("new-api-key");
        await Expect(shown).ToContainTextAsync("ec_live_");
        var key = (await shown.TextContentAsync())!.Trim();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy key" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "ci-pipeline" })).ToBeVisibleAsync();
        await Screenshots.TakeAsync(page, "org-api-keys-created");

        using var http = fx.Server.Http(key);
        await http.GetJsonAsync("auth/me", HttpStatusCode.OK);

        // Shown once: a reload lists the key by its prefix only.
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "ci-pipeline" })).ToBeVisibleAsync();
        Assert.DoesNotContain(key, await page.ContentAsync());
        Assert.Contains(key[..12], await page.ContentAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke ci-pipeline" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke ci-pipeline" })).ToHaveCountAsync(0);
        await http.GetJsonAsync("auth/me", HttpStatusCode.Unauthorized);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Notification_bell_count_follows_new_and_read_notifications()
    {
        var (orgId, _) = await fx.CreateOrgAsync();
        var admin = await fx.CreateUserAsync("org_admin", orgId);
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, admin);
        var bell = page.GetByRole(AriaRole.Link, new() { Name = "Notifications", Exact = true }).First;
        await Expect(bell).ToBeVisibleAsync();

        // A device that goes offline raises a notification for the org (the platform's own path, not a fake).
        await RaiseNotificationAsync(orgId);
        await Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("Notifications, \\d+ unread") }))
            .ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Screenshots.TakeAsync(page, "bell-unread");

        await page.GotoAsync("/notifications");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark all read" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("unread") }))
            .ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await Screenshots.TakeAsync(page, "notifications");
        await page.Context.CloseAsync();
    }

    /// <summary>Raises one notification in the org through the real notifier (a test e-mail is refused without SMTP, so: the notifier service).</summary>
    private async Task RaiseNotificationAsync(string orgId)
    {
        var notifier = (EdgeConductor.Server.Notifications.INotifier)fx.Server.Services.GetService(typeof(EdgeConductor.Server.Notifications.INotifier))!;
        await notifier.NotifyAsync(new EdgeConductor.Server.Notifications.NotificationEvent(orgId, EdgeConductor.Server.Notifications.NotificationKinds.DeviceOffline,
            "warning", "Device EC-BELL-1 offline", "No data for 15 minutes", "EC-BELL-1", null), CancellationToken.None);
    }
}
