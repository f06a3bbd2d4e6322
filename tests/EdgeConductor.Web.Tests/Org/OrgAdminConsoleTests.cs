using System.Net;
using System.Text.Json.Nodes;

namespace EdgeConductor.Web.Tests.Org;

/// <summary>
/// The org admin's pages (docs/web.md, seed 001 "Multi-Tenant"): API keys (generated — shown once —, used against the API,
/// revoked), users (created with a role, disabled and enabled), rooms (created, with a one-time claim link a tenant
/// redeems) and the notification bell (its count rises when a rule of the org fires). Each test checks what the user sees
/// and what the API then holds. The console has no action to change an existing user's role (only PATCH /users/:id).
/// </summary>
public sealed class OrgAdminConsoleTests(ConsoleFixture fx) : ConsoleTest(fx)
{
    private async Task<(string OrgId, IPage Page)> OrgAdminAsync()
    {
        var (orgId, _) = await Fx.CreateOrgAsync();
        var admin = await Fx.CreateUserAsync("org_admin", orgId);
        return (orgId, await SignedInAsync(admin));
    }

    private static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await OpsWorld.WaitInteractiveAsync(page);
    }

    [Fact]
    public async Task Api_key_generated_in_the_console_is_shown_once_works_against_the_API_and_is_refused_once_revoked()
    {
        var (orgId, page) = await OrgAdminAsync();
        await OpenAsync(page, "/org/api-keys");
        await page.GetByLabel("Key name").FillAsync("ci-pipeline");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate key" }).ClickAsync();
        var shown = page.GetByTestId("new-api-key");
        await Expect(shown).ToBeVisibleAsync();
        var key = (await shown.TextContentAsync())!.Trim();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("It is shown only now");
        var row = page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex("ci-pipeline") });
        await Expect(row).ToContainTextAsync("Active");
        await Screenshots.TakeAsync(page, "org-api-key-generated");

        // The API holds it (by prefix, never the secret), and the key shown works as a credential.
        using var admin = await Fx.AdminHttpAsync();
        var stored = (await admin.GetJsonAsync($"orgs/{orgId}/api-keys")).AsArray().Single(k => k!["name"]!.GetValue<string>() == "ci-pipeline")!;
        var prefix = stored["prefix"]!.GetValue<string>();
        Assert.StartsWith(prefix, key, StringComparison.Ordinal);
        Assert.Null(stored["revoked_at"]?.GetValue<string>());
        await Expect(row).ToContainTextAsync(prefix);
        using var withKey = Fx.Server.Http(key);
        await withKey.GetJsonAsync("devices"); // 200: the control for the refusal below

        // Shown once: after a reload the page lists the key by its prefix only.
        await page.ReloadAsync();
        await OpsWorld.WaitInteractiveAsync(page);
        await Expect(row).ToContainTextAsync(prefix);
        await Expect(page.GetByTestId("new-api-key")).ToHaveCountAsync(0);
        await Expect(page.Locator("body")).Not.ToContainTextAsync(key);

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke ci-pipeline" }).ClickAsync();
        await Expect(row).ToContainTextAsync("Revoked");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Revoke ci-pipeline" })).ToHaveCountAsync(0);
        await Screenshots.TakeAsync(page, "org-api-key-revoked");
        stored = (await admin.GetJsonAsync($"orgs/{orgId}/api-keys")).AsArray().Single(k => k!["name"]!.GetValue<string>() == "ci-pipeline")!;
        Assert.NotNull(stored["revoked_at"]?.GetValue<string>());
        using var refused = await withKey.GetAsync("devices");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task User_created_in_the_console_with_a_role_signs_in_and_is_disabled_and_enabled()
    {
        var (orgId, page) = await OrgAdminAsync();
        var email = $"new-admin-{Guid.NewGuid().ToString("N")[..8]}@console-tests.local";
        const string password = "Created-In-Console-1!";
        await OpenAsync(page, "/org/users");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByRole(AriaRole.Combobox, new() { Name = "Role" }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Org admin", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Role" })).ToHaveTextAsync("Org admin");
        await page.GetByLabel("Initial password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex(Regex.Escape(email)) });
        await Expect(row).ToContainTextAsync("Org admin");
        await Expect(row).ToContainTextAsync("Active");
        await Screenshots.TakeAsync(page, "org-user-created");

        var user = await Fx.FindUserAsync(orgId, email);
        Assert.Equal("org_admin", user["role"]!.GetValue<string>());
        Assert.False(user["disabled"]!.GetValue<bool>());
        using var anon = Fx.Server.Http();
        await anon.PostJsonAsync("auth/login", new { email, password }, HttpStatusCode.OK); // the control for the refusal below

        await row.GetByRole(AriaRole.Button, new() { Name = $"Disable {email}" }).ClickAsync();
        await Expect(row).ToContainTextAsync("Disabled");
        Assert.True((await Fx.FindUserAsync(orgId, email))["disabled"]!.GetValue<bool>());
        using (var refused = await anon.PostRawAsync("auth/login", System.Text.Json.JsonSerializer.Serialize(new { email, password })))
            Assert.False(refused.IsSuccessStatusCode, $"a disabled user signed in: {(int)refused.StatusCode}");

        await row.GetByRole(AriaRole.Button, new() { Name = $"Enable {email}" }).ClickAsync();
        await Expect(row).ToContainTextAsync("Active");
        Assert.False((await Fx.FindUserAsync(orgId, email))["disabled"]!.GetValue<bool>());
        await anon.PostJsonAsync("auth/login", new { email, password }, HttpStatusCode.OK);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Room_created_in_the_console_gets_a_claim_link_that_a_new_tenant_redeems()
    {
        var (orgId, page) = await OrgAdminAsync();
        await OpenAsync(page, "/org/rooms");
        await page.GetByLabel("Room name").FillAsync("Suite 9");
        await page.GetByLabel("Floor").FillAsync("9");
        await page.GetByLabel("Building").FillAsync("North wing");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create room" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Suite 9", Level = 2 })).ToBeVisibleAsync();
        await Expect(page.GetByText("North wing · Floor 9")).ToBeVisibleAsync();
        using var admin = await Fx.AdminHttpAsync();
        var room = (await admin.GetJsonAsync($"orgs/{orgId}/rooms")).AsArray().Single(r => r!["name"]!.GetValue<string>() == "Suite 9")!;
        Assert.Equal("9", room["floor"]!.GetValue<string>());
        var roomId = room["id"]!.GetValue<string>();

        await page.GetByRole(AriaRole.Button, new() { Name = "Create claim link for Suite 9" }).ClickAsync();
        var link = page.GetByTestId("claim-link");
        await Expect(link).ToContainTextAsync($"/claim-room?room_id={roomId}");
        await Screenshots.TakeAsync(page, "org-room-claim-link");
        var url = (await link.TextContentAsync())!.Trim();

        // The link is real: a new visitor registers through it and becomes the room's tenant.
        var email = $"suite9-{Guid.NewGuid().ToString("N")[..8]}@console-tests.local";
        var visitor = await NewPageAsync();
        await visitor.GotoAsync(url);
        await Expect(visitor.GetByText("You are claiming")).ToContainTextAsync("Suite 9");
        await visitor.GetByLabel("New account e-mail").FillAsync(email);
        await visitor.GetByLabel("New password").FillAsync("Claimed-Suite-9-Pass!");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Register and claim" }).ClickAsync();
        await Expect(visitor).ToHaveURLAsync(new Regex("/portal/room\\?claimed=1$"));
        var tenant = await Fx.FindUserAsync(orgId, email);
        Assert.Equal("tenant", tenant["role"]!.GetValue<string>());
        Assert.Equal(roomId, tenant["room_id"]!.GetValue<string>());
        await visitor.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Notification_bell_count_rises_when_a_rule_of_the_org_fires_and_falls_when_read()
    {
        var (w, page) = await OpsWorldAsync();
        var device = await w.DeviceAsync();
        await w.Org.Http.PostJsonAsync($"orgs/{w.Org.Id}/rules", new
        {
            name = "CO2 high", rule_type = "threshold", condition = new { field = "co2", op = ">", value = 1000 },
            action = new { key = "relay", value = true }, notify = true,
        }, HttpStatusCode.Created);
        await page.GotoAsync("/org");
        // The bell in the top bar (the navigation drawer has a "Notifications" link too).
        var appBar = page.Locator("header");
        var bell = appBar.GetByRole(AriaRole.Link, new() { Name = "Notifications", Exact = true });
        await Expect(bell).ToBeVisibleAsync();
        Assert.Equal(0, await UnreadAsync(w));

        // One reading below the threshold, one above: exactly one notification (the one below raised none).
        await w.ReadingsAsync(device, """{"co2":600}""", """{"co2":1250}""");
        var unread = appBar.GetByRole(AriaRole.Link, new() { Name = "Notifications, 1 unread" });
        await Expect(unread).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.Equal(1, await UnreadAsync(w));
        var listed = (await w.GetAsync($"orgs/{w.Org.Id}/notifications")).AsArray().Single()!;
        Assert.Equal("rule_fired", listed["kind"]!.GetValue<string>());
        Assert.Equal("Rule 'CO2 high' fired", listed["title"]!.GetValue<string>());
        await Screenshots.TakeAsync(page, "org-bell-unread");

        await unread.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/notifications$"));
        await OpsWorld.WaitInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Listbox, new() { Name = "Notifications" })).ToContainTextAsync("Rule 'CO2 high' fired");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark all read" }).ClickAsync();
        await Expect(bell).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.Equal(0, await UnreadAsync(w));
        await page.Context.CloseAsync();
    }

    /// <summary>The org admin's own unread count (read state is per reader) through the API.</summary>
    private async Task<int> UnreadAsync(OpsWorld w)
    {
        using var anon = Fx.Server.Http();
        var login = await anon.PostJsonAsync("auth/login", new { email = w.Admin.Email, password = w.Admin.Password }, HttpStatusCode.OK);
        using var http = Fx.Server.Http(login["access_token"]!.GetValue<string>());
        return (await http.GetJsonAsync($"orgs/{w.Org.Id}/notifications/unread-count"))["unread_count"]!.GetValue<int>();
    }
}
