using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EdgeConductor.Web.Tests.Infrastructure;

/// <summary>
/// One real server (Kestrel on a free loopback port, fresh SQLite data dir, the console mapped at "/") and one headless
/// chromium per test class. Each test opens its own browser context (its own cookies) with <see cref="NewPageAsync"/>.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private static int _counter;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    internal EcServer Server { get; } = new();

    /// <summary>The console's base URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseUri => Server.BaseUri;

    public async Task InitializeAsync()
    {
        Server.Start();
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>A page in a new browser context (no cookies) whose relative URLs resolve against the console.</summary>
    public async Task<IPage> NewPageAsync(string? host = null)
    {
        var options = new BrowserNewContextOptions { BaseURL = BaseUri.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 800 } };
        if (host is not null) options.ExtraHTTPHeaders = new Dictionary<string, string> { ["Host"] = host };
        var context = await _browser!.NewContextAsync(options);
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the sign-in form and waits until the browser has left /login.</summary>
    public static async Task SignInAsync(IPage page, ConsoleUserAccount user, string start = "/login")
    {
        await page.GotoAsync(start);
        await page.GetByLabel("E-mail").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(u => !new Uri(u).AbsolutePath.StartsWith("/login", StringComparison.Ordinal));
    }

    /// <summary>The bootstrap super admin.</summary>
    public ConsoleUserAccount SuperAdmin => new(EcServer.AdminEmail, EcServer.AdminPassword, "super_admin", null, null, null);

    /// <summary>A new org (enterprise plan: no rate limit) created by the super admin.</summary>
    public async Task<(string Id, string Name)> CreateOrgAsync(string? name = null, string? partnerId = null)
    {
        using var admin = await TestOrg.AdminAsync(Server);
        var n = Interlocked.Increment(ref _counter);
        name ??= $"Console Org {n} {Guid.NewGuid().ToString("N")[..6]}";
        var org = await admin.PostJsonAsync("orgs", new { name, plan = "enterprise", partner_id = partnerId }, HttpStatusCode.Created);
        return (org["id"]!.GetValue<string>(), name);
    }

    /// <summary>A room of <paramref name="orgId"/>.</summary>
    public async Task<string> CreateRoomAsync(string orgId, string name = "Room 101")
    {
        using var admin = await TestOrg.AdminAsync(Server);
        var room = await admin.PostJsonAsync($"orgs/{orgId}/rooms", new { name }, HttpStatusCode.Created);
        return room["id"]!.GetValue<string>();
    }

    /// <summary>
    /// A new user of <paramref name="role"/>: org_admin, customer and tenant in a new org (or <paramref name="orgId"/>;
    /// a tenant gets a new room), partner under a new partner.
    /// </summary>
    public async Task<ConsoleUserAccount> CreateUserAsync(string role, string? orgId = null, string? roomId = null)
    {
        using var admin = await TestOrg.AdminAsync(Server);
        var n = Interlocked.Increment(ref _counter);
        var email = $"{role.Replace('_', '-')}-{n}-{Guid.NewGuid().ToString("N")[..6]}@console-tests.local";
        const string password = "Console-Tests-Pass-1!";
        if (role == "super_admin") return SuperAdmin;
        if (role == "partner")
        {
            var slug = $"partner-{n}-{Guid.NewGuid().ToString("N")[..6]}";
            var partner = await admin.PostJsonAsync("partners", new { name = $"Partner {n}", slug, contact_email = email, plan = "enterprise" }, HttpStatusCode.Created);
            var partnerId = partner["id"]!.GetValue<string>();
            await admin.PostJsonAsync($"partners/{partnerId}/users", new { email, password }, HttpStatusCode.Created);
            return new ConsoleUserAccount(email, password, role, null, partnerId, null);
        }
        orgId ??= (await CreateOrgAsync()).Id;
        if (role == "tenant") roomId ??= await CreateRoomAsync(orgId);
        await admin.PostJsonAsync($"orgs/{orgId}/users", new { email, password, role, room_id = roomId }, HttpStatusCode.Created);
        return new ConsoleUserAccount(email, password, role, orgId, null, roomId);
    }

    /// <summary>An API client signed in as the super admin.</summary>
    internal Task<HttpClient> AdminHttpAsync() => TestOrg.AdminAsync(Server);

    /// <summary>Parses a JSON body (test helper).</summary>
    internal static JsonNode Json(string text) => JsonNode.Parse(text)!;
}

/// <summary>A user the tests sign in as.</summary>
public sealed record ConsoleUserAccount(string Email, string Password, string Role, string? OrgId, string? PartnerId, string? RoomId);
