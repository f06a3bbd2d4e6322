using System.Net;
using System.Net.Http.Json;
using EdgeConductor.Server.Hosting;
using EdgeConductor.Server.Notifications;
using EdgeConductor.Server.Notifications.Email;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace EdgeConductor.Platform.Tests.Notifications;

/// <summary>
/// Notification e-mail end to end: the real server sends through MailKit to a real SMTP server in the test process.
/// The batch window is 60 s and the cap 3 an hour; the server's clock is moved forward instead of waiting.
/// </summary>
public class NotificationEmailTests : IAsyncLifetime
{
    private const string PublicUrl = "https://console.example.test";
    private static readonly TimeSpan PastWindow = TimeSpan.FromSeconds(61);
    private TestSmtpServer _smtp = null!;
    private EcServer _server = null!;

    /// <summary>EC_DATABASE for the server: null = SQLite; the PostgreSQL subclass creates a database.</summary>
    protected virtual Task<string?> DatabaseAsync() => Task.FromResult<string?>(null);

    /// <summary>Called after the server is disposed (the PostgreSQL subclass drops its database).</summary>
    protected virtual Task CleanupDatabaseAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _smtp = await TestSmtpServer.StartAsync();
        var options = new NotificationOptions
        {
            SmtpHost = "127.0.0.1", SmtpPort = _smtp.Port, Tls = SmtpTls.None, SmtpFrom = "EdgeConductor <alerts@ec.test>",
            BatchWindow = TimeSpan.FromSeconds(60), HourlyCap = 3,
            PollInterval = TimeSpan.FromMilliseconds(100), FirstRetryDelay = TimeSpan.FromSeconds(30),
        };
        _server = new EcServer(postgres: await DatabaseAsync(), services: s =>
        {
            s.AddSingleton(options);
            s.AddSingleton(new PublicUrlOptions { BaseUrl = PublicUrl });
        }).Start();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _smtp.DisposeAsync();
        await CleanupDatabaseAsync();
    }

    private EmailOutboxStore Outbox => _server.Services.GetRequiredService<EmailOutboxStore>();

    private static string Text(MimeMessage m) => m.TextBody ?? "";

    private async Task<IReadOnlyDictionary<string, int>> StatusesAsync(string email) => await Outbox.CountByStatusAsync(email, CancellationToken.None);

    private async Task WaitForStatusAsync(string email, string status, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while ((await StatusesAsync(email)).GetValueOrDefault(status) != count)
        {
            if (timeout.IsCancellationRequested)
                throw new Xunit.Sdk.XunitException($"{email}: expected {count} {status}, have {string.Join(", ", await StatusesAsync(email))}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task AnAnomaly_IsMailedToAdminsAndPartnerUsers_AsTheSeedShowsIt()
    {
        var w = await BellWorld.CreateAsync(_server, "#ff6600");
        await w.RaiseAnomalyAsync("EC-CLM-GERMANY01");
        _server.Clock.Advance(PastWindow);

        var mails = new List<MimeMessage> { await _smtp.NextAsync(), await _smtp.NextAsync(), await _smtp.NextAsync() };
        var to = mails.Select(m => m.To.Mailboxes.Single().Address).Order().ToList();
        Assert.Equal(new[] { w.Admin1.Email, w.Admin2.Email, w.PartnerUser.Email }.Order(), to);
        var m = mails.Single(x => x.To.Mailboxes.Single().Address == w.Admin1.Email);
        Assert.Equal("⚠️ Warning: CO₂ on EC-CLM-GERMANY01", m.Subject);
        Assert.Contains("CO₂ is 67% above baseline", Text(m));
        Assert.Contains("current: 1840 ppm  ·  avg: 1103 ppm", Text(m));
        Assert.Contains($"{PublicUrl}/devices/EC-CLM-GERMANY01", Text(m));
        // White-label: the org's name as the sender's name, its name and colour in the HTML part.
        var from = m.From.Mailboxes.Single();
        Assert.Equal(w.OrgName, from.Name);
        Assert.Equal("alerts@ec.test", from.Address);
        Assert.Contains("#ff6600", m.HtmlBody);
        Assert.Contains(w.OrgName, m.HtmlBody);
        Assert.Contains("current: 1840 ppm  ·  avg: 1103 ppm", WebUtility.HtmlDecode(m.HtmlBody));
        // The customer is not a recipient: nothing was queued for them.
        Assert.Empty(await StatusesAsync(w.Customer.Email));
    }

    [Fact]
    public async Task EventsWithinTheWindow_AreOneEmailPerRecipient()
    {
        var w = await BellWorld.CreateAsync(_server);
        await w.RaiseAsync("EC-B-1 is offline");
        await w.RaiseAnomalyAsync("EC-B-2", severity: "critical", field: "temp", value: 41.2, baseline: 22.6, deviationPct: 82.3);
        await w.RaiseAsync("EC-B-3 is offline");
        _server.Clock.Advance(PastWindow);

        var m = await _smtp.NextToAsync(w.Admin1.Email);
        Assert.Equal($"🔴 Critical: 3 notifications for {w.OrgName} (1 critical, 2 warning)", m.Subject);
        Assert.Contains("EC-B-1 is offline", Text(m));
        Assert.Contains("🔴 Critical: Temperature on EC-B-2", Text(m));
        Assert.Contains("current: 41.2°C  ·  avg: 22.6°C", Text(m));
        Assert.Contains("EC-B-3 is offline", Text(m));

        // No second e-mail for those three: the next one admin 1 gets holds only the notification raised afterwards.
        await w.RaiseAsync("EC-B-4 is offline");
        _server.Clock.Advance(PastWindow);
        var next = await _smtp.NextToAsync(w.Admin1.Email);
        Assert.Equal("⚠️ Warning: EC-B-4 is offline", next.Subject);
        Assert.DoesNotContain("EC-B-1", Text(next));
        await WaitForStatusAsync(w.Admin1.Email, EmailOutboxStore.Status.Sent, 4);
    }

    [Fact]
    public async Task TheHourlyCap_HoldsBackTheRest_AndSummarisesItLater()
    {
        var w = await BellWorld.CreateAsync(_server);
        for (var i = 1; i <= 3; i++)
        {
            await w.RaiseAsync($"capped {i}");
            _server.Clock.Advance(PastWindow);
            Assert.Equal($"⚠️ Warning: capped {i}", (await _smtp.NextToAsync(w.Admin1.Email)).Subject);
        }

        await w.RaiseAsync("capped 4");
        await w.RaiseAnomalyAsync("EC-CAP-5");
        _server.Clock.Advance(PastWindow);
        await WaitForStatusAsync(w.Admin1.Email, EmailOutboxStore.Status.Held, 2);

        // An hour after the first e-mail the cap frees: one e-mail with the summary line, not the two held ones in full.
        _server.Clock.Advance(TimeSpan.FromMinutes(60));
        var summary = await _smtp.NextToAsync(w.Admin1.Email);
        Assert.Contains("2 more notifications were held back by the hourly e-mail limit (1 anomaly, 1 device_offline)", Text(summary));
        Assert.DoesNotContain("capped 4", Text(summary));
        await WaitForStatusAsync(w.Admin1.Email, EmailOutboxStore.Status.Summarized, 2);
        Assert.Equal(3, (await StatusesAsync(w.Admin1.Email))[EmailOutboxStore.Status.Sent]);
    }

    [Fact]
    public async Task ARefusedEmail_IsRetriedWithBackoff_AndSentOnce()
    {
        var w = await BellWorld.CreateAsync(_server);
        await OnlyAdmin1GetsEmailAsync(w);
        _smtp.RefuseNext(451);
        await w.RaiseAsync("retry me");
        _server.Clock.Advance(PastWindow);
        Assert.Equal(451, await _smtp.Refusals.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
        await WaitForStatusAsync(w.Admin1.Email, EmailOutboxStore.Status.Pending, 1);

        _server.Clock.Advance(TimeSpan.FromSeconds(31));
        var m = await _smtp.NextToAsync(w.Admin1.Email);
        Assert.Equal("⚠️ Warning: retry me", m.Subject);
        await WaitForStatusAsync(w.Admin1.Email, EmailOutboxStore.Status.Sent, 1);
        Assert.Equal(1, (await StatusesAsync(w.Admin1.Email)).Values.Sum());
    }

    [Fact]
    public async Task APermanentRefusal_IsGivenUp_AndLaterEmailsStillGo()
    {
        var w = await BellWorld.CreateAsync(_server);
        await OnlyAdmin1GetsEmailAsync(w);
        _smtp.RefuseNext(550);
        await w.RaiseAsync("refused for good");
        _server.Clock.Advance(PastWindow);
        Assert.Equal(550, await _smtp.Refusals.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
        await WaitForStatusAsync(w.Admin1.Email, EmailOutboxStore.Status.Failed, 1);

        await w.RaiseAsync("the next one");
        _server.Clock.Advance(TimeSpan.FromMinutes(10));
        var m = await _smtp.NextToAsync(w.Admin1.Email);
        Assert.Equal("⚠️ Warning: the next one", m.Subject);
        Assert.DoesNotContain("refused for good", Text(m));
    }

    [Fact]
    public async Task Preferences_ChooseKinds_OrTurnEmailOff()
    {
        var w = await BellWorld.CreateAsync(_server);
        await w.Admin1.Http.PutAsJsonAsync("users/me/notification-preferences", new { email_kinds = new[] { "anomaly" } }).ExpectAsync(HttpStatusCode.OK);
        await w.Admin2.Http.PutAsJsonAsync("users/me/notification-preferences", new { email_enabled = false }).ExpectAsync(HttpStatusCode.OK);

        await w.RaiseAsync("EC-P-1 is offline");
        _server.Clock.Advance(PastWindow);
        // Control: the partner user (default preferences) gets it.
        Assert.Equal("⚠️ Warning: EC-P-1 is offline", (await _smtp.NextToAsync(w.PartnerUser.Email)).Subject);

        await w.RaiseAnomalyAsync("EC-P-2");
        _server.Clock.Advance(PastWindow);
        // Admin 1's first e-mail is the anomaly: the device_offline one was never queued for them.
        var others = new List<MimeMessage>();
        Assert.Equal("⚠️ Warning: CO₂ on EC-P-2", (await _smtp.NextToAsync(w.Admin1.Email, others)).Subject);
        Assert.Equal("⚠️ Warning: CO₂ on EC-P-2", (await _smtp.NextToAsync(w.PartnerUser.Email, others)).Subject);
        Assert.DoesNotContain(others, m => m.To.Mailboxes.Any(a => a.Address == w.Admin2.Email));
        Assert.Empty(await StatusesAsync(w.Admin2.Email));
        Assert.Equal(1, (await StatusesAsync(w.Admin1.Email)).Values.Sum());
    }

    [Fact]
    public async Task TestEmail_GoesToTheCaller_OrAnotherRecipientOfTheOrg_Only()
    {
        var w = await BellWorld.CreateAsync(_server);
        var ok = await w.Admin1.Http.PostJsonAsync($"orgs/{w.OrgId}/notifications/test-email", new { }, HttpStatusCode.OK);
        Assert.Equal(w.Admin1.Email, ok["to"]!.GetValue<string>());
        var m = await _smtp.NextToAsync(w.Admin1.Email);
        Assert.StartsWith("Test e-mail from EdgeConductor", m.Subject);
        Assert.Equal(w.OrgName, m.From.Mailboxes.Single().Name);

        await w.ApiKey.PostJsonAsync($"orgs/{w.OrgId}/notifications/test-email", new { to = w.PartnerUser.Email }, HttpStatusCode.OK);
        Assert.StartsWith("Test e-mail", (await _smtp.NextToAsync(w.PartnerUser.Email)).Subject);

        var bad = await w.Admin1.Http.PostJsonAsync($"orgs/{w.OrgId}/notifications/test-email", new { to = w.Customer.Email }, HttpStatusCode.BadRequest);
        Assert.Contains("to", bad["errors"]!.AsObject().Select(kv => kv.Key));
        await w.ApiKey.PostJsonAsync($"orgs/{w.OrgId}/notifications/test-email", new { }, HttpStatusCode.BadRequest);

        _smtp.RefuseNext(554);
        var refused = await w.Admin1.Http.PostJsonAsync($"orgs/{w.OrgId}/notifications/test-email", new { }, HttpStatusCode.BadGateway);
        Assert.Equal(NotificationsApi.SmtpFailedCode, refused["code"]!.GetValue<string>());
    }

    private static async Task OnlyAdmin1GetsEmailAsync(BellWorld w)
    {
        await w.Admin2.Http.PutAsJsonAsync("users/me/notification-preferences", new { email_enabled = false }).ExpectAsync(HttpStatusCode.OK);
        await w.PartnerUser.Http.PutAsJsonAsync("users/me/notification-preferences", new { email_enabled = false }).ExpectAsync(HttpStatusCode.OK);
    }
}

/// <summary>The same e-mail tests on PostgreSQL (outbox, leases, ON CONFLICT upserts).</summary>
public sealed class NotificationEmailPostgresTests : NotificationEmailTests
{
    private string? _db;

    protected override async Task<string?> DatabaseAsync() =>
        _db = await (await EdgeConductor.Testing.PostgresTestServer.GetAsync()).CreateDatabaseAsync("notify");

    protected override async Task CleanupDatabaseAsync()
    {
        if (_db is not null) await (await EdgeConductor.Testing.PostgresTestServer.GetAsync()).DropDatabaseAsync(_db);
    }
}
