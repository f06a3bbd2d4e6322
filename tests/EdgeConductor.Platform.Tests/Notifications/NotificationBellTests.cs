using System.Net;
using System.Net.Http.Json;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Notifications;

/// <summary>The bell: per-user read state, the unread count, live events on the org stream (no SMTP configured here).</summary>
public class NotificationBellTests : IAsyncLifetime
{
    private EcServer _server = null!;

    /// <summary>EC_DATABASE for the server: null = SQLite; the PostgreSQL subclass creates a database.</summary>
    protected virtual Task<string?> DatabaseAsync() => Task.FromResult<string?>(null);

    /// <summary>Called after the server is disposed (the PostgreSQL subclass drops its database).</summary>
    protected virtual Task CleanupDatabaseAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _server = new EcServer(postgres: await DatabaseAsync()).Start();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await CleanupDatabaseAsync();
    }

    [Fact]
    public async Task ReadState_IsPerUser_AndAnApiKeyActsAsTheOrgsBell()
    {
        var w = await BellWorld.CreateAsync(_server);
        await w.RaiseAsync("first");
        await w.RaiseAsync("second");

        var list1 = await BellWorld.ListAsync(w.Admin1.Http, w.OrgId);
        Assert.Equal(["second", "first"], list1.Select(n => n!["title"]!.GetValue<string>()));
        var firstId = list1[1]!["id"]!.GetValue<string>();
        var read = await w.Admin1.Http.PatchRawAsync($"notifications/{firstId}/read", "").ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull(read["read_at"]);
        Assert.Equal("first", read["title"]!.GetValue<string>());

        Assert.Equal(1, await BellWorld.UnreadCountAsync(w.Admin1.Http, w.OrgId));
        Assert.Equal(2, await BellWorld.UnreadCountAsync(w.Admin2.Http, w.OrgId));
        Assert.Equal(2, await BellWorld.UnreadCountAsync(w.ApiKey, w.OrgId));
        Assert.Equal(2, await BellWorld.UnreadCountAsync(w.PartnerUser.Http, w.OrgId));
        Assert.Equal(["second"], (await BellWorld.ListAsync(w.Admin1.Http, w.OrgId, unread: true)).Select(n => n!["title"]!.GetValue<string>()));
        Assert.All(await BellWorld.ListAsync(w.Admin2.Http, w.OrgId), n => Assert.Null(n!["read_at"]));

        // Admin 2 reads everything: their bell is empty, admin 1's still has "second", the API key's both.
        var all = await w.Admin2.Http.PostJsonAsync($"orgs/{w.OrgId}/notifications/read-all", new { }, HttpStatusCode.OK);
        Assert.Equal(2, all["updated"]!.GetValue<int>());
        Assert.Equal(0, await BellWorld.UnreadCountAsync(w.Admin2.Http, w.OrgId));
        Assert.Equal(1, await BellWorld.UnreadCountAsync(w.Admin1.Http, w.OrgId));
        Assert.Equal(2, await BellWorld.UnreadCountAsync(w.ApiKey, w.OrgId));

        // The API key reads one: every key of the org shares that bell, users are unaffected.
        var keyRead = await w.ApiKey.PatchRawAsync($"notifications/{firstId}/read", "").ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull(keyRead["read_at"]);
        Assert.Equal(1, await BellWorld.UnreadCountAsync(w.ApiKey, w.OrgId));
        Assert.Equal(1, await BellWorld.UnreadCountAsync(w.Admin1.Http, w.OrgId));

        // The list carries the caller's unread count in a header too.
        using var r = await w.Admin1.Http.GetAsync($"orgs/{w.OrgId}/notifications?limit=1");
        Assert.Equal("1", Assert.Single(r.Headers.GetValues("X-Unread-Count")));
    }

    [Fact]
    public async Task MarkingReadTwice_KeepsTheFirstReadTime()
    {
        var w = await BellWorld.CreateAsync(_server);
        await w.RaiseAsync("once");
        var id = (await BellWorld.ListAsync(w.Admin1.Http, w.OrgId))[0]!["id"]!.GetValue<string>();
        var first = await w.Admin1.Http.PatchRawAsync($"notifications/{id}/read", "").ExpectAsync(HttpStatusCode.OK);
        _server.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await w.Admin1.Http.PatchRawAsync($"notifications/{id}/read", "").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(first["read_at"]!.GetValue<DateTime>(), second["read_at"]!.GetValue<DateTime>());
    }

    [Fact]
    public async Task Bell_IsForManagers_AndHiddenFromOtherOrgs()
    {
        var w = await BellWorld.CreateAsync(_server);
        var other = await BellWorld.CreateAsync(_server);
        await w.RaiseAsync("mine");
        var id = (await BellWorld.ListAsync(w.Admin1.Http, w.OrgId))[0]!["id"]!.GetValue<string>();

        await w.Customer.Http.GetAsync($"orgs/{w.OrgId}/notifications").ExpectAsync(HttpStatusCode.Forbidden);
        await other.Admin1.Http.GetAsync($"orgs/{w.OrgId}/notifications").ExpectAsync(HttpStatusCode.NotFound);
        await other.Admin1.Http.GetAsync($"orgs/{w.OrgId}/notifications/unread-count").ExpectAsync(HttpStatusCode.NotFound);
        await other.Admin1.Http.PatchRawAsync($"notifications/{id}/read", "").ExpectAsync(HttpStatusCode.NotFound);
        await other.ApiKey.PostJsonAsync($"orgs/{w.OrgId}/notifications/read-all", new { }, HttpStatusCode.NotFound);
        // Control: nothing of the above touched w's bell.
        Assert.Equal(1, await BellWorld.UnreadCountAsync(w.Admin1.Http, w.OrgId));
        Assert.Equal(1, await BellWorld.UnreadCountAsync(w.ApiKey, w.OrgId));
    }

    [Fact]
    public async Task OrgStream_CarriesNotifications_WithEachCallersOwnUnreadCount()
    {
        var w = await BellWorld.CreateAsync(_server);
        var other = await BellWorld.CreateAsync(_server);
        await w.RaiseAsync("before");
        await using var s1 = await SseStream.OpenAsync(w.Admin1.Http, $"orgs/{w.OrgId}/stream");
        await using var s2 = await SseStream.OpenAsync(w.Admin2.Http, $"orgs/{w.OrgId}/stream");
        await using var sOther = await SseStream.OpenAsync(other.Admin1.Http, $"orgs/{other.OrgId}/stream");
        Assert.Equal(1, (await s1.NextAsync("unread_count"))["unread_count"]!.GetValue<int>());
        Assert.Equal(1, (await s2.NextAsync("unread_count"))["unread_count"]!.GetValue<int>());

        await w.RaiseAsync("live one", severity: "critical", serial: "EC-LIVE-1");
        var e1 = await s1.NextAsync("notification");
        Assert.Equal("live one", e1["notification"]!["title"]!.GetValue<string>());
        Assert.Equal("critical", e1["notification"]!["severity"]!.GetValue<string>());
        Assert.Equal("EC-LIVE-1", e1["notification"]!["device_serial"]!.GetValue<string>());
        Assert.Equal(2, e1["unread_count"]!.GetValue<int>());
        Assert.Equal(2, (await s2.NextAsync("notification"))["unread_count"]!.GetValue<int>());

        // Admin 1 reads all: their stream gets the new count; admin 2's count is unchanged in their next event.
        await w.Admin1.Http.PostJsonAsync($"orgs/{w.OrgId}/notifications/read-all", new { }, HttpStatusCode.OK);
        Assert.Equal(0, (await s1.NextAsync("unread_count"))["unread_count"]!.GetValue<int>());
        await w.RaiseAsync("live two");
        Assert.Equal(1, (await s1.NextAsync("notification"))["unread_count"]!.GetValue<int>());
        var e2 = await s2.NextAsync("notification");
        Assert.Equal("live two", e2["notification"]!["title"]!.GetValue<string>());
        Assert.Equal(3, e2["unread_count"]!.GetValue<int>());

        // The other org's stream saw none of this: its first notification event is its own (raised last, as a control).
        await other.RaiseAsync("other org's");
        var first = await sOther.NextAsync("notification");
        Assert.Equal("other org's", first["notification"]!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task OrgStream_StopsNotifications_WhenTheCallerLosesAccess()
    {
        var w = await BellWorld.CreateAsync(_server);
        await using var s = await SseStream.OpenAsync(w.Admin2.Http, $"orgs/{w.OrgId}/stream");
        await s.NextAsync("unread_count");
        using var admin = await TestOrg.AdminAsync(_server);
        await admin.PatchAsJsonAsync($"users/{w.Admin2.Id}", new { disabled = true }).ExpectAsync(HttpStatusCode.OK);
        await w.RaiseAsync("after disable");
        // The stream ends (access revoked) without ever writing the notification.
        Assert.True(await s.EndsWithinAsync(TimeSpan.FromSeconds(20)));
        var rest = await s.DrainAsync(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(rest, e => e.Event == "notification");
    }

    [Fact]
    public async Task DeviceStream_NeverCarriesNotifications()
    {
        var w = await BellWorld.CreateAsync(_server);
        using var admin = await TestOrg.AdminAsync(_server);
        var serial = $"EC-BELL-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";
        var created = await w.ApiKey.PostJsonAsync("devices/register", new { serial_no = serial, product_type = "EC-CLIMATE-V1" }, HttpStatusCode.Created);
        await using var s = await SseStream.OpenAsync(w.ApiKey, $"devices/{serial}/stream");
        await w.RaiseAsync("about the device", serial: serial);
        // Control: a telemetry event sent after the notification arrives, and nothing before it was a notification.
        using (var r = await w.ApiKey.PostRawAsync($"devices/{serial}/telemetry", """{"temp":20.5}""", created["device_secret"]!.GetValue<string>()))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var events = new List<string>();
        for (var i = 0; i < 40 && !events.Contains("telemetry"); i++)
            events.AddRange((await s.DrainAsync(TimeSpan.FromMilliseconds(500))).Select(e => e.Event));
        Assert.Contains("telemetry", events);
        Assert.DoesNotContain("notification", events);
        Assert.DoesNotContain("unread_count", events);
    }

    [Fact]
    public async Task TestEmail_WithoutSmtp_Is409_AndPreferencesNeedAUser()
    {
        var w = await BellWorld.CreateAsync(_server);
        var problem = await w.Admin1.Http.PostJsonAsync($"orgs/{w.OrgId}/notifications/test-email", new { }, HttpStatusCode.Conflict);
        Assert.Equal("CONFLICT", problem["code"]!.GetValue<string>());
        Assert.Contains("EC_SMTP_HOST", problem["detail"]!.GetValue<string>());
        await w.Customer.Http.PostJsonAsync($"orgs/{w.OrgId}/notifications/test-email", new { }, HttpStatusCode.Forbidden);

        await w.ApiKey.GetAsync("users/me/notification-preferences").ExpectAsync(HttpStatusCode.Forbidden);
        var prefs = await w.Admin1.Http.GetJsonAsync("users/me/notification-preferences");
        Assert.True(prefs["email_enabled"]!.GetValue<bool>());
        Assert.Contains("anomaly", prefs["email_kinds"]!.AsArray().Select(k => k!.GetValue<string>()));
        var bad = await w.Admin1.Http.PutAsJsonAsync("users/me/notification-preferences", new { email_kinds = new[] { "anomaly", "nonsense" } })
            .ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("email_kinds[1]", bad["detail"]!.GetValue<string>());
        var put = await w.Admin1.Http.PutAsJsonAsync("users/me/notification-preferences", new { email_kinds = new[] { "anomaly" } })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["anomaly"], put["email_kinds"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.True(put["email_enabled"]!.GetValue<bool>());
        var again = await w.Admin1.Http.GetJsonAsync("users/me/notification-preferences");
        Assert.Equal(["anomaly"], again["email_kinds"]!.AsArray().Select(k => k!.GetValue<string>()));
    }
}

/// <summary>The same bell tests on PostgreSQL (per-reader read state, upserts).</summary>
public sealed class NotificationBellPostgresTests : NotificationBellTests
{
    private string? _db;

    protected override async Task<string?> DatabaseAsync() =>
        _db = await (await EdgeConductor.Testing.PostgresTestServer.GetAsync()).CreateDatabaseAsync("bell");

    protected override async Task CleanupDatabaseAsync()
    {
        if (_db is not null) await (await EdgeConductor.Testing.PostgresTestServer.GetAsync()).DropDatabaseAsync(_db);
    }
}
