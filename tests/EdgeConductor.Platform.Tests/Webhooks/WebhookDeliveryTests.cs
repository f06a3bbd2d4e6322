using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace EdgeConductor.Platform.Tests.Webhooks;

/// <summary>
/// Deliveries from the real outbox to a real Kestrel receiver: signatures, secret rotation, retries on the injected clock,
/// 429 Retry-After, 4xx, 410, timeouts, replay, the circuit breaker and presets.
/// </summary>
public sealed class WebhookDeliveryTests : WebhookServerTest
{
    [Fact]
    public async Task ADelivery_IsTheSeedPayload_SignedPerStandardWebhooks_AndLogged()
    {
        var org = await TestOrg.CreateAsync(Server);
        var secret = await org.RevealSecretAsync();
        Assert.StartsWith("whsec_", secret);
        var id = await Server.EnqueueAsync(org.Id, Receiver.Url("/signed"), ruleId: "rule-1");

        var w = await Receiver.NextAsync("/signed");
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
        var org = await TestOrg.CreateAsync(Server);
        Assert.False((await org.GetAsync($"orgs/{org.Id}/webhook-secret"))["configured"]!.GetValue<bool>());

        // First need: a delivery creates the secret; it is not shown yet.
        await Server.EnqueueAsync(org.Id, Receiver.Url("/rotation"));
        var first = await Receiver.NextAsync("/rotation");
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
        await Server.EnqueueAsync(org.Id, Receiver.Url("/rotation"));
        var during = await Receiver.NextAsync("/rotation");
        Assert.Equal(2, during.Signature.Split(' ').Length);
        Assert.Equal(1, DocsSnippets.CountValid(newSecret, during));
        Assert.Equal(1, DocsSnippets.CountValid(oldSecret, during));
        Assert.True(DocsSnippets.Verify(oldSecret, during));
        Assert.True(DocsSnippets.Verify(newSecret, during));

        // After the grace period only the new secret signs.
        Server.Clock.Advance(TimeSpan.FromSeconds(3601));
        await Server.EnqueueAsync(org.Id, Receiver.Url("/rotation"));
        var after = await Receiver.NextAsync("/rotation");
        Assert.Single(after.Signature.Split(' '));
        Assert.Equal(1, DocsSnippets.CountValid(newSecret, after));
        Assert.Equal(0, DocsSnippets.CountValid(oldSecret, after));
        Assert.Null((await org.GetAsync($"orgs/{org.Id}/webhook-secret"))["previous_expires_at"]);
    }

    [Fact]
    public async Task RotationGrace_OutOfRange_Is400NamingTheField()
    {
        var org = await TestOrg.CreateAsync(Server);
        var p = await org.Http.PostJsonAsync($"orgs/{org.Id}/webhook-secret", new { grace_seconds = -1 }, HttpStatusCode.BadRequest);
        Assert.Contains("grace_seconds", p.ToJsonString());
    }

    [Fact]
    public async Task A5xx_IsRetriedWithExponentialBackoffOnTheInjectedClock_UntilA2xx()
    {
        var org = await TestOrg.CreateAsync(Server);
        var calls = 0;
        Receiver.On("/flaky", (_, _) => Task.FromResult(Interlocked.Increment(ref calls) <= 2 ? Results.StatusCode(503) : Results.Ok()));
        var id = await Server.EnqueueAsync(org.Id, Receiver.Url("/flaky"));

        var d1 = await org.DeliveryAsync(id, d => d.Attempts() == 1);
        Assert.True(d1.Is("pending"), d1.ToJsonString());
        Assert.Equal(503, d1["response_code"]!.GetValue<int>());
        AssertDelayBetween(d1, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(5));  // 5 s × [0.5, 1)

        Server.Clock.Advance(TimeSpan.FromSeconds(5));
        var d2 = await org.DeliveryAsync(id, d => d.Attempts() == 2);
        Assert.True(d2.Is("pending"), d2.ToJsonString());
        AssertDelayBetween(d2, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));  // 10 s × [0.5, 1)

        Server.Clock.Advance(TimeSpan.FromSeconds(10));
        var d3 = await org.DeliveryAsync(id, d => d.Is("succeeded"));
        Assert.True(d3.Is("succeeded"), d3.ToJsonString());
        Assert.Equal(3, d3.Attempts());
        var seen = Receiver.All.Where(w => w.Path == "/flaky").ToList();
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
        var org = await TestOrg.CreateAsync(Server);
        Receiver.On("/busy", (_, _) => Task.FromResult<IResult>(new RetryAfterResult(120)));
        var id = await Server.EnqueueAsync(org.Id, Receiver.Url("/busy"));
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
        var org = await TestOrg.CreateAsync(Server);
        Receiver.On("/bad", 400);
        var id = await Server.EnqueueAsync(org.Id, Receiver.Url("/bad"));
        var d = await org.DeliveryAsync(id, x => x.Is("failed"));
        Assert.True(d.Is("failed"), d.ToJsonString());
        Assert.Equal(1, d.Attempts());
        Assert.Equal(400, d["response_code"]!.GetValue<int>());
        Assert.Null(d["next_attempt_at"]);

        // Even a day later nothing is retried: a control delivery enqueued after moving the clock arrives, the 400 one does not.
        Server.Clock.Advance(TimeSpan.FromHours(25));
        var control = await Server.EnqueueAsync(org.Id, Receiver.Url("/control-400"));
        Assert.Equal(control, (await Receiver.NextAsync("/control-400")).Id);
        Assert.Equal(1, Receiver.Count("/bad"));
        Assert.Equal(1, (await org.DeliveryAsync(id)).Attempts());
    }

    [Fact]
    public async Task A410_DisablesTheUrlForTheOrg_OtherOrgsStillDeliver_AndAReplayEnablesItAgain()
    {
        var org = await TestOrg.CreateAsync(Server);
        var other = await TestOrg.CreateAsync(Server);
        Receiver.On("/gone", 410);
        var first = await Server.EnqueueAsync(org.Id, Receiver.Url("/gone"));
        var d1 = await org.DeliveryAsync(first, x => x.Is("failed"));
        Assert.Equal(410, d1["response_code"]!.GetValue<int>());

        var second = await Server.EnqueueAsync(org.Id, Receiver.Url("/gone"));
        var d2 = await org.DeliveryAsync(second, x => x.Is("failed"));
        Assert.True(d2.Is("failed"), d2.ToJsonString());
        Assert.Equal(0, d2.Attempts());
        Assert.Contains("410", d2["last_error"]!.GetValue<string>());

        // Another org's delivery to the same URL is still sent (so the receiver was listening), the disabled org's was not.
        var theirs = await Server.EnqueueAsync(other.Id, Receiver.Url("/gone"));
        Assert.Equal(first, (await Receiver.NextAsync("/gone")).Id);
        Assert.Equal(theirs, (await Receiver.NextAsync("/gone")).Id);
        Assert.Equal(2, Receiver.Count("/gone"));

        // The receiver is back; a replay re-enables the URL and sends the same message again.
        Receiver.On("/gone", 204);
        var replay = await org.Http.PostJsonAsync($"webhook-deliveries/{second}/replay", new { }, HttpStatusCode.Accepted);
        Assert.Equal(second, replay["replay_of"]!.GetValue<string>());
        var w = await Receiver.NextAsync("/gone");
        Assert.Equal(second, w.Id);
        var rd = await org.DeliveryAsync(replay["id"]!.GetValue<string>(), x => x.Is("succeeded"));
        Assert.True(rd.Is("succeeded"), rd.ToJsonString());
        Assert.Equal(204, rd["response_code"]!.GetValue<int>());
        var next = await Server.EnqueueAsync(org.Id, Receiver.Url("/gone"));
        Assert.Equal(next, (await Receiver.NextAsync("/gone")).Id);
    }

    [Fact]
    public async Task ATimeout_IsRetried_WithTheConfiguredTimeout()
    {
        var org = await TestOrg.CreateAsync(Server);
        var slow = true;
        Receiver.On("/slow", async (_, ct) =>
        {
            if (Volatile.Read(ref slow)) await Task.Delay(Timeout.Infinite, ct);  // never answers; the server gives up after 1 s
            return Results.Ok();
        });
        var id = await Server.EnqueueAsync(org.Id, Receiver.Url("/slow"));
        var d = await org.DeliveryAsync(id, x => x.Attempts() == 1);
        Assert.True(d.Is("pending"), d.ToJsonString());
        Assert.Contains("timeout", d["last_error"]!.GetValue<string>());
        Assert.Null(d["response_code"]);

        Volatile.Write(ref slow, false);
        Server.Clock.Advance(TimeSpan.FromSeconds(5));
        var done = await org.DeliveryAsync(id, x => x.Is("succeeded"));
        Assert.True(done.Is("succeeded"), done.ToJsonString());
        Assert.Equal(2, done.Attempts());
    }

    [Fact]
    public async Task AHangingEndpoint_DoesNotDelayDeliveriesToOthers()
    {
        var org = await TestOrg.CreateAsync(Server);
        var release = new TaskCompletionSource();
        Receiver.On("/hang", async (_, _) =>
        {
            await release.Task;
            return Results.Ok();
        });
        try
        {
            for (var i = 0; i < 3; i++) await Server.EnqueueAsync(org.Id, Receiver.Url("/hang"));
            await Receiver.NextAsync("/hang");  // the first is being held by the receiver
            var other = await Server.EnqueueAsync(org.Id, Receiver.Url("/healthy"));
            Assert.Equal(other, (await Receiver.NextAsync("/healthy")).Id);
            var d = await org.DeliveryAsync(other, x => x.Is("succeeded"));
            Assert.True(d.Is("succeeded"), d.ToJsonString());
            Assert.False(release.Task.IsCompleted);
            Assert.Equal(1, Receiver.Count("/hang"));
        }
        finally
        {
            release.SetResult();
        }
    }

    [Fact]
    public async Task ADeadEndpoint_OpensTheBreakerAfterFiveFailures_AndRaisesOneNotification()
    {
        var org = await TestOrg.CreateAsync(Server);
        Receiver.On("/down", 500);
        var ids = new List<string>();
        for (var i = 0; i < 8; i++) ids.Add(await Server.EnqueueAsync(org.Id, Receiver.Url("/down")));

        // Every delivery is handled once: five attempts, then the breaker holds the other three without attempting them.
        var all = await Eventually.ValueAsync(async () => await Task.WhenAll(ids.Select(id => org.GetAsync($"webhook-deliveries/{id}"))),
            ds => ds.All(d => d["last_error"] is not null), TimeSpan.FromSeconds(15));
        Assert.Equal(5, all.Count(d => d.Attempts() == 1));
        var held = all.Where(d => d.Attempts() == 0).ToList();
        Assert.Equal(3, held.Count);
        Assert.All(held, d => Assert.Contains("circuit breaker open", d["last_error"]!.GetValue<string>()));
        Assert.All(all, d => Assert.True(d.Is("pending")));
        Assert.Equal(5, Receiver.Count("/down"));
        Assert.Single(await FailingNotices(org));

        // After the cooldown one probe goes through; it fails, the breaker opens again, and still only one notification.
        Server.Clock.Advance(TimeSpan.FromSeconds(61));
        await Receiver.NextAsync("/down");
        await Eventually.ValueAsync(async () => await Task.WhenAll(ids.Select(id => org.GetAsync($"webhook-deliveries/{id}"))),
            ds => ds.Sum(d => d.Attempts()) == 6, TimeSpan.FromSeconds(15));
        var control = await Server.EnqueueAsync(org.Id, Receiver.Url("/control-breaker"));
        Assert.Equal(control, (await Receiver.NextAsync("/control-breaker")).Id);
        Assert.Equal(6, Receiver.Count("/down"));
        Assert.Single(await FailingNotices(org));
    }

    private static async Task<List<JsonNode>> FailingNotices(TestOrg org) =>
        (await org.GetAsync($"orgs/{org.Id}/notifications")).AsArray()
            .Where(n => n!["kind"]!.GetValue<string>() == "webhook_failing").Select(n => n!).ToList();

    [Fact]
    public async Task TheTelegramPreset_SendsChatIdAndAReadableText_AndMasksTheBotToken()
    {
        var org = await TestOrg.CreateAsync(Server);
        var url = Receiver.Url("/bot123456:SECRET-TOKEN/sendMessage") + "?chat_id=-10042";
        var id = await Server.EnqueueAsync(org.Id, url, preset: "telegram");
        var w = await Receiver.NextAsync("/bot123456:SECRET-TOKEN/sendMessage");
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
        var org = await TestOrg.CreateAsync(Server);
        await Server.EnqueueAsync(org.Id, Receiver.Url("/slack"), preset: "slack");
        var body = JsonNode.Parse((await Receiver.NextAsync("/slack")).Body)!.AsObject();
        Assert.Equal(["text"], body.Select(p => p.Key));
        Assert.StartsWith("Rule \"CO2 high\" fired on EC-001", body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheDeliveryLog_FiltersByStatus_AndRefusesAnUnknownStatus()
    {
        var org = await TestOrg.CreateAsync(Server);
        Receiver.On("/log-bad", 404);
        var ok = await Server.EnqueueAsync(org.Id, Receiver.Url("/log-ok"));
        var bad = await Server.EnqueueAsync(org.Id, Receiver.Url("/log-bad"));
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
        var org = await TestOrg.CreateAsync(Server);
        var other = await TestOrg.CreateAsync(Server);
        var id = await Server.EnqueueAsync(org.Id, Receiver.Url("/mine"));
        await org.DeliveryAsync(id, x => x.Is("succeeded"));
        await other.GetAsync($"webhook-deliveries/{id}", HttpStatusCode.NotFound);
        await other.Http.PostJsonAsync($"webhook-deliveries/{id}/replay", new { }, HttpStatusCode.NotFound);
    }
}
