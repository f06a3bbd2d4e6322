using EdgeConductor.Server.Notifications;
using EdgeConductor.Server.Notifications.Email;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace EdgeConductor.Platform.Tests.Notifications;

/// <summary>Two server instances on one PostgreSQL database share the e-mail outbox: every e-mail is sent once.</summary>
public sealed class EmailTwoInstancesTests : IAsyncLifetime
{
    private TestSmtpServer _smtp = null!;
    private string _db = "";
    private EcServer _a = null!;
    private EcServer _b = null!;

    public async Task InitializeAsync()
    {
        _smtp = await TestSmtpServer.StartAsync();
        _db = await (await EdgeConductor.Testing.PostgresTestServer.GetAsync()).CreateDatabaseAsync("notify2");
        _a = Start();
        _b = Start();
    }

    private EcServer Start()
    {
        var options = new NotificationOptions
        {
            SmtpHost = "127.0.0.1", SmtpPort = _smtp.Port, Tls = SmtpTls.None, BatchWindow = TimeSpan.FromSeconds(60), HourlyCap = 100,
            PollInterval = TimeSpan.FromMilliseconds(20),
        };
        return new EcServer(postgres: _db, services: s => s.AddSingleton(options)).Start();
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _smtp.DisposeAsync();
        await (await EdgeConductor.Testing.PostgresTestServer.GetAsync()).DropDatabaseAsync(_db);
    }

    [Fact]
    public async Task TheLease_KeepsARecipientToOneInstance_UntilReleasedOrExpired()
    {
        var outbox = _a.Services.GetRequiredService<EmailOutboxStore>();
        var who = $"lease-{Guid.NewGuid():N}@bell.test";
        Assert.True(await outbox.TryLeaseAsync(who, "A", 1_000, 61_000, default));
        Assert.False(await outbox.TryLeaseAsync(who, "B", 2_000, 62_000, default));
        Assert.True(await outbox.TryLeaseAsync(who, "A", 2_000, 62_000, default)); // the holder may extend it
        Assert.True(await outbox.TryLeaseAsync(who, "B", 62_001, 122_001, default)); // expired: B takes it
        await outbox.ReleaseAsync(who, "A", default); // not A's any more: no effect
        Assert.False(await outbox.TryLeaseAsync(who, "A", 63_000, 123_000, default));
        await outbox.ReleaseAsync(who, "B", default);
        Assert.True(await outbox.TryLeaseAsync(who, "A", 63_000, 123_000, default));
    }

    [Fact]
    public async Task BothInstancesWorkingTheOutbox_SendEachEmailOnce()
    {
        var worlds = new List<BellWorld>();
        for (var i = 0; i < 4; i++)
        {
            var w = await BellWorld.CreateAsync(_a);
            await w.RaiseAsync($"first {i}");
            await w.RaiseAnomalyAsync($"EC-TWO-{i}");
            worlds.Add(w);
        }
        // Both instances see the rows due at once.
        _a.Clock.Advance(TimeSpan.FromSeconds(61));
        _b.Clock.Advance(TimeSpan.FromSeconds(61));

        // 4 orgs × 3 recipients, one e-mail each with both notifications.
        var mails = new List<MimeMessage>();
        for (var i = 0; i < 12; i++) mails.Add(await _smtp.NextAsync());
        Assert.All(mails, m => Assert.Contains("2 notifications", m.Subject));
        Assert.Equal(12, mails.Select(m => m.To.Mailboxes.Single().Address).Distinct().Count());

        // Control for "no duplicates": a notification raised now is the next thing every admin 1 receives.
        foreach (var w in worlds) await w.RaiseAsync("second round");
        _a.Clock.Advance(TimeSpan.FromSeconds(61));
        _b.Clock.Advance(TimeSpan.FromSeconds(61));
        var next = new List<MimeMessage>();
        for (var i = 0; i < 12; i++) next.Add(await _smtp.NextAsync());
        Assert.All(next, m => Assert.Equal("⚠️ Warning: second round", m.Subject));
    }
}
