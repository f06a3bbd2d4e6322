using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace EdgeConductor.Platform.Tests.Webhooks;

/// <summary>
/// Deliveries from the real outbox to a real Kestrel receiver: signatures, secret rotation, retries on the injected clock,
/// 429 Retry-After, 4xx, 410, timeouts, replay, the circuit breaker and presets.
/// </summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private EcServer _server = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _server = WebhookTestServer.Start(WebhookTestServer.Options());
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task ADelivery_IsTheSeedPayload_SignedPerStandardWebhooks_AndLogged()
    {
        var org = await TestOrg.CreateAsync(_server);
        var secret = await org.RevealSecretAsync();
        Assert.StartsWith("whsec_", secret);
        var id = await _server.EnqueueAsync(org.Id, _receiver.Url("/signed"), ruleId: "rule-1");

        var w = await _receiver.NextAsync("/signed");
        Assert.Equal(id, w.Id);
        Assert.StartsWith("application/json", w.ContentType);
        Assert.True(JsonNode.DeepEquals(WebhookTestServer.RuleFired(), JsonNode.Parse(w.Body)));
        Assert.Equal(1, DocsSnippets.CountValid(secret, w));
        Assert.True(DocsSnippets.Verify(secret, w));
        Assert.Single(w.Signature.Split(' '));

        var d = await org.DeliveryAsync(id, x => x.Is("succeeded"));
        Assert.True(d.Is("succeeded"), d.ToJsonString());
        Assert.Equal(1, d.Attempts());
        Assert.Equal(200, d["response_code"]!.GetValue<int>());
        Assert.True(d["latency_ms"]!.GetValue<long>() >= 0);
        Assert.Null(d["next_attempt_at"]);
        Assert.Equal(id, d["webhook_id"]!.GetValue<string>());
        Assert.Equal("rule-1", d["rule_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheSecret_IsCreatedOnFirstNeed_ShownOnce_AndRotationSignsWithBothDuringTheGrace()
    {
        var org = await TestOrg.CreateAsync(_server);
        Assert.False((await org.GetAsync($"orgs/{org.Id}/webhook-secret"))["configured"]!.GetValue<bool>());

        // First need: a delivery creates the secret; it is not shown yet.
        await _server.EnqueueAsync(org.Id, _receiver.Url("/rotation"));
        var first = await _receiver.NextAsync("/rotation");
        var meta = await org.GetAsync($"orgs/{org.Id}/webhook-secret");
        Assert.True(meta["configured"]!.GetValue<bool>());
        Assert.False(meta["revealed"]!.GetValue<bool>());
        Assert.Null(meta["secret"]);

        // The first POST shows that same secret (no rotation): it verifies the delivery already made.
        var created = await org.Http.PostJsonAsync($"orgs/{org.Id}/webhook-secret", new { }, HttpStatusCode.Created);
        var oldSecret = created["secret"]!.GetValue<string>();
        Assert.False(created["rotated"]!.GetValue<bool>());
        Assert.Equal(1, DocsSnippets.CountValid(oldSecret, first));
        Assert.Equal(meta["fingerprint"]!.GetValue<string>(), created["fingerprint"]!.GetValue<string>());

        // The second POST rotates: both secrets sign during the grace period.
        var rotated = await org.Http.PostJsonAsync($"orgs/{org.Id}/webhook-secret", new { grace_seconds = 3600 }, HttpStatusCode.Created);
        var newSecret = rotated["secret"]!.GetValue<string>();
        Assert.True(rotated["rotated"]!.GetValue<bool>());
        Assert.NotEqual(oldSecret, newSecret);
        Assert.NotNull(rotated["previous_expires_at"]);
        await _server.EnqueueAsync(org.Id, _receiver.Url("/rotation"));
        var during = await _receiver.NextAsync("/rotation");
        Assert.Equal(2, during.Signature.Split(' ').Length);
        Assert.Equal(1, DocsSnippets.CountValid(newSecret, during));
        Assert.Equal(1, DocsSnippets.CountValid(oldSecret, during));
        Assert.True(DocsSnippets.Verify(oldSecret, during));
        Assert.True(DocsSnippets.Verify(newSecret, during));

        // After the grace period only the new secret signs.
        _server.Clock.Advance(TimeSpan.FromSeconds(3601));
        await _server.EnqueueAsync(org.Id, _receiver.Url("/rotation"));
        var after = await _receiver.NextAsync("/rotation");
        Assert.Single(after.Signature.Split(' '));
        Assert.Equal(1, DocsSnippets.CountValid(newSecret, after));
        Assert.Equal(0, DocsSnippets.CountValid(oldSecret, after));
        Assert.Null((await org.GetAsync($"orgs/{org.Id}/webhook-secret"))["previous_expires_at"]);
    }

    [Fact]
    public async Task RotationGrace_OutOfRange_Is400NamingTheField()
    {
        var org = await TestOrg.CreateAsync(_server);
        var p = await org.Http.PostJsonAsync($"orgs/{org.Id}/webhook-secret", new { grace_seconds = -1 }, HttpStatusCode.BadRequest);
        Assert.Contains("grace_seconds", p.ToJsonString());
    }

    [Fact]
    public async Task A5xx_IsRetriedWithExponentialBackoffOnTheInjectedClock_UntilA2xx()
    {
        var org = await TestOrg.CreateAsync(_server);
        var calls = 0;
        _receiver.On("/flaky", (_, _) => Task.FromResult(Interlocked.Increment(ref calls) <= 2 ? Results.StatusCode(503) : Results.Ok()));
        var id = await _server.EnqueueAsync(org.Id, _receiver.Url("/flaky"));

        var d1 = await org.DeliveryAsync(id, d => d.Attempts() == 1);
        Assert.True(d1.Is("pending"), d1.ToJsonString());
        Assert.Equal(503, d1["response_code"]!.GetValue<int>());
        AssertDelayBetween(d1, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(5));  // 5 s × [0.5, 1)

        _server.Clock.Advance(TimeSpan.FromSeconds(5));
        var d2 = await org.DeliveryAsync(id, d => d.Attempts() == 2);
        Assert.True(d2.Is("pending"), d2.ToJsonString());
        AssertDelayBetween(d2, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));  // 10 s × [0.5, 1)

        _server.Clock.Advance(TimeSpan.FromSeconds(10));
        var d3 = await org.DeliveryAsync(id, d => d.Is("succeeded"));
        Assert.True(d3.Is("succeeded"), d3.ToJsonString());
        Assert.Equal(3, d3.Attempts());
        var seen = _receiver.All.Where(w => w.Path == "/flaky").ToList();
        Assert.Equal(3, seen.Count);
        Assert.All(seen, w => Assert.Equal(id, w.Id));
    }

    private static void AssertDelayBetween(JsonNode d, TimeSpan min, TimeSpan max)
    {
        var delay = d["next_attempt_at"]!.GetValue<DateTime>() - d["updated_at"]!.GetValue<DateTime>();
        Assert.InRange(delay, min, max);
    }

    [Fact]
    public async Task A429_HonoursRetryAfter()
    {
        var org = await TestOrg.CreateAsync(_server);
        _receiver.On("/busy", (_, _) => Task.FromResult<IResult>(new RetryAfterResult(120)));
        var id = await _server.EnqueueAsync(org.Id, _receiver.Url("/busy"));
        var d = await org.DeliveryAsync(id, x => x.Attempts() == 1);
        Assert.True(d.Is("pending"), d.ToJsonString());
        Assert.Equal(429, d["response_code"]!.GetValue<int>());
        AssertDelayBetween(d, TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(121));
    }

    private sealed class RetryAfterResult(int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext ctx)
        {
            ctx.Response.StatusCode = 429;
            ctx.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task AnOther4xx_FailsWithoutRetry()
    {
        var org = await TestOrg.CreateAsync(_server);
        _receiver.On("/bad", 400);
        var id = await _server.EnqueueAsync(org.Id, _receiver.Url("/bad"));
        var d = await org.DeliveryAsync(id, x => x.Is("failed"));
        Assert.True(d.Is("failed"), d.ToJsonString());
        Assert.Equal(1, d.Attempts());
        Assert.Equal(400, d["response_code"]!.GetValue<int>());
        Assert.Null(d["next_attempt_at"]);

        // Even a day later nothing is retried: a control delivery enqueued after moving the clock arrives, the 400 one does not.
        _server.Clock.Advance(TimeSpan.FromHours(25));
        var control = await _server.EnqueueAsync(org.Id, _receiver.Url("/control-400"));
        Assert.Equal(control, (await _receiver.NextAsync("/control-400")).Id);
        Assert.Equal(1, _receiver.Count("/bad"));
        Assert.Equal(1, (await org.DeliveryAsync(id)).Attempts());
    }

    [Fact]
    public async Task A410_DisablesTheUrlForTheOrg_OtherOrgsStillDeliver_AndAReplayEnablesItAgain()
    {
        var org = await TestOrg.CreateAsync(_server);
        var other = await TestOrg.CreateAsync(_server);
        _receiver.On("/gone", 410);
        var first = await _server.EnqueueAsync(org.Id, _receiver.Url("/gone"));
        var d1 = await org.DeliveryAsync(first, x => x.Is("failed"));
        Assert.Equal(410, d1["response_code"]!.GetValue<int>());

        var second = await _server.EnqueueAsync(org.Id, _receiver.Url("/gone"));
        var d2 = await org.DeliveryAsync(second, x => x.Is("failed"));
        Assert.True(d2.Is("failed"), d2.ToJsonString());
        Assert.Equal(0, d2.Attempts());
        Assert.Contains("410", d2["last_error"]!.GetValue<string>());

        // Another org's delivery to the same URL is still sent (so the receiver was listening), the disabled org's was not.
        var theirs = await _server.EnqueueAsync(other.Id, _receiver.Url("/gone"));
        Assert.Equal(first, (await _receiver.NextAsync("/gone")).Id);
        Assert.Equal(theirs, (await _receiver.NextAsync("/gone")).Id);
        Assert.Equal(2, _receiver.Count("/gone"));

        // The receiver is back; a replay re-enables the URL and sends the same message again.
        _receiver.On("/gone", 204);
        var replay = await org.Http.PostJsonAsync($"webhook-deliveries/{second}/replay", new { }, HttpStatusCode.Accepted);
        Assert.Equal(second, replay["replay_of"]!.GetValue<string>());
        var w = await _receiver.NextAsync("/gone");
        Assert.Equal(second, w.Id);
        var rd = await org.DeliveryAsync(replay["id"]!.GetValue<string>(), x => x.Is("succeeded"));
        Assert.True(rd.Is("succeeded"), rd.ToJsonString());
        Assert.Equal(204, rd["response_code"]!.GetValue<int>());
        var next = await _server.EnqueueAsync(org.Id, _receiver.Url("/gone"));
        Assert.Equal(next, (await _receiver.NextAsync("/gone")).Id);
    }

    [Fact]
    public async Task ATimeout_IsRetried_WithTheConfiguredTimeout()
    {
        var org = await TestOrg.CreateAsync(_server);
        var slow = true;
        _receiver.On("/slow", async (_, ct) =>
        {
            if (Volatile.Read(ref slow)) await Task.Delay(Timeout.Infinite, ct);  // never answers; the server gives up after 1 s
            return Results.Ok();
        });
        var id = await _server.EnqueueAsync(org.Id, _receiver.Url("/slow"));
        var d = await org.DeliveryAsync(id, x => x.Attempts() == 1);
        Assert.True(d.Is("pending"), d.ToJsonString());
        Assert.Contains("timeout", d["last_error"]!.GetValue<string>());
        Assert.Null(d["response_code"]);

        Volatile.Write(ref slow, false);
        _server.Clock.Advance(TimeSpan.FromSeconds(5));
        var done = await org.DeliveryAsync(id, x => x.Is("succeeded"));
        Assert.True(done.Is("succeeded"), done.ToJsonString());
        Assert.Equal(2, done.Attempts());
    }

    [Fact]
    public async Task AHangingEndpoint_DoesNotDelayDeliveriesToOthers()
    {
        var org = await TestOrg.CreateAsync(_server);
        var release = new TaskCompletionSource();
        _receiver.On("/hang", async (_, _) =>
        {
            await release.Task;
            return Results.Ok();
        });
        try
        {
            for (var i = 0; i < 3; i++) await _server.EnqueueAsync(org.Id, _receiver.Url("/hang"));
            await _receiver.NextAsync("/hang");  // the first is being held by the receiver
            var other = await _server.EnqueueAsync(org.Id, _receiver.Url("/healthy"));
            Assert.Equal(other, (await _receiver.NextAsync("/healthy")).Id);
            var d = await org.DeliveryAsync(other, x => x.Is("succeeded"));
            Assert.True(d.Is("succeeded"), d.ToJsonString());
            Assert.False(release.Task.IsCompleted);
            Assert.Equal(1, _receiver.Count("/hang"));
        }
        finally
        {
            release.SetResult();
        }
    }

    [Fact]
    public async Task ADeadEndpoint_OpensTheBreakerAfterFiveFailures_AndRaisesOneNotification()
    {
        var org = await TestOrg.CreateAsync(_server);
        _receiver.On("/down", 500);
        var ids = new List<string>();
        for (var i = 0; i < 8; i++) ids.Add(await _server.EnqueueAsync(org.Id, _receiver.Url("/down")));

        // Every delivery is handled once: five attempts, then the breaker holds the other three without attempting them.
        var all = await Eventually.ValueAsync(async () => await Task.WhenAll(ids.Select(id => org.GetAsync($"webhook-deliveries/{id}"))),
            ds => ds.All(d => d["last_error"] is not null), TimeSpan.FromSeconds(15));
        Assert.Equal(5, all.Count(d => d.Attempts() == 1));
        var held = all.Where(d => d.Attempts() == 0).ToList();
        Assert.Equal(3, held.Count);
        Assert.All(held, d => Assert.Contains("circuit breaker open", d["last_error"]!.GetValue<string>()));
        Assert.All(all, d => Assert.True(d.Is("pending")));
        Assert.Equal(5, _receiver.Count("/down"));
        Assert.Single(await FailingNotices(org));

        // After the cooldown one probe goes through; it fails, the breaker opens again, and still only one notification.
        _server.Clock.Advance(TimeSpan.FromSeconds(61));
        await _receiver.NextAsync("/down");
        await Eventually.ValueAsync(async () => await Task.WhenAll(ids.Select(id => org.GetAsync($"webhook-deliveries/{id}"))),
            ds => ds.Sum(d => d.Attempts()) == 6, TimeSpan.FromSeconds(15));
        var control = await _server.EnqueueAsync(org.Id, _receiver.Url("/control-breaker"));
        Assert.Equal(control, (await _receiver.NextAsync("/control-breaker")).Id);
        Assert.Equal(6, _receiver.Count("/down"));
        Assert.Single(await FailingNotices(org));
    }

    private static async Task<List<JsonNode>> FailingNotices(TestOrg org) =>
        (await org.GetAsync($"orgs/{org.Id}/notifications")).AsArray()
            .Where(n => n!["kind"]!.GetValue<string>() == "webhook_failing").Select(n => n!).ToList();

    [Fact]
    public async Task TheTelegramPreset_SendsChatIdAndAReadableText_AndMasksTheBotToken()
    {
        var org = await TestOrg.CreateAsync(_server);
        var url = _receiver.Url("/bot123456:SECRET-TOKEN/sendMessage") + "?chat_id=-10042";
        var id = await _server.EnqueueAsync(org.Id, url, preset: "telegram");
        var w = await _receiver.NextAsync("/bot123456:SECRET-TOKEN/sendMessage");
        var body = JsonNode.Parse(w.Body)!;
        Assert.Equal("-10042", body["chat_id"]!.GetValue<string>());
        Assert.Equal("Rule \"CO2 high\" fired on EC-001: relay = true (threshold, 2026-11-30T22:00:00.000Z)", body["text"]!.GetValue<string>());
        var d = await org.DeliveryAsync(id, x => x.Is("succeeded"));
        Assert.DoesNotContain("SECRET-TOKEN", d.ToJsonString());
        Assert.Contains("/bot123456:***/sendMessage", d["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheSlackPreset_SendsText()
    {
        var org = await TestOrg.CreateAsync(_server);
        await _server.EnqueueAsync(org.Id, _receiver.Url("/slack"), preset: "slack");
        var body = JsonNode.Parse((await _receiver.NextAsync("/slack")).Body)!.AsObject();
        Assert.Equal(["text"], body.Select(p => p.Key));
        Assert.StartsWith("Rule \"CO2 high\" fired on EC-001", body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheDeliveryLog_FiltersByStatus_AndRefusesAnUnknownStatus()
    {
        var org = await TestOrg.CreateAsync(_server);
        _receiver.On("/log-bad", 404);
        var ok = await _server.EnqueueAsync(org.Id, _receiver.Url("/log-ok"));
        var bad = await _server.EnqueueAsync(org.Id, _receiver.Url("/log-bad"));
        await org.DeliveryAsync(ok, x => x.Is("succeeded"));
        await org.DeliveryAsync(bad, x => x.Is("failed"));
        var failed = (await org.GetAsync($"orgs/{org.Id}/webhook-deliveries?status=failed")).AsArray();
        Assert.Equal([bad], failed.Select(d => d!["id"]!.GetValue<string>()));
        var everything = (await org.GetAsync($"orgs/{org.Id}/webhook-deliveries")).AsArray();
        Assert.Equal(2, everything.Count);
        var p = await org.GetAsync($"orgs/{org.Id}/webhook-deliveries?status=lost", HttpStatusCode.BadRequest);
        Assert.Contains("status", p["errors"]!.ToJsonString());
    }

    [Fact]
    public async Task AnotherOrgsDelivery_Is404_ForGetAndReplay()
    {
        var org = await TestOrg.CreateAsync(_server);
        var other = await TestOrg.CreateAsync(_server);
        var id = await _server.EnqueueAsync(org.Id, _receiver.Url("/mine"));
        await org.DeliveryAsync(id, x => x.Is("succeeded"));
        await other.GetAsync($"webhook-deliveries/{id}", HttpStatusCode.NotFound);
        await other.Http.PostJsonAsync($"webhook-deliveries/{id}/replay", new { }, HttpStatusCode.NotFound);
    }
}
