using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Anomalies;

/// <summary>
/// The anomalies API (seed 000 ec.anomalies): list filters, get, acknowledge (idempotent, audited), per-org settings and
/// their validation, the per-org detector options, and isolation between orgs.
/// </summary>
public sealed class AnomalyApiTests : IAsyncLifetime
{
    private EcServer _server = null!;

    public Task InitializeAsync()
    {
        _server = new EcServer().Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string S(JsonNode? n) => n!.GetValue<string>();

    private static async Task<JsonNode> PatchAsync(HttpClient http, string url, string body, HttpStatusCode expected)
    {
        using var r = await http.PatchRawAsync(url, body);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == expected, $"PATCH {url}: {(int)r.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>A device with one critical temp anomaly (29 × 20 then 30: +50 %).</summary>
    private async Task<(AnomalyFeed Feed, JsonNode Anomaly)> AnomalyAsync()
    {
        var feed = await AnomalyFeed.CreateAsync(_server);
        await feed.HttpAsync(AnomalyFeed.Repeat("temp", 20, 29));
        await feed.HttpAsync("""{"temp":30}""");
        return (feed, (await feed.WaitForAsync("temp", 1))[0]!);
    }

    [Fact]
    public async Task Acknowledge_ReturnsTheAnomaly_IsIdempotent_AndIsAuditedOnce()
    {
        var (feed, a) = await AnomalyAsync();
        var id = S(a["id"]);
        var org = feed.Org;
        Assert.Contains((await org.GetAsync($"orgs/{org.Id}/anomalies?unacked=true")).AsArray(), x => S(x!["id"]) == id);

        var acked = await PatchAsync(org.Http, $"anomalies/{id}/acknowledge", "", HttpStatusCode.OK);
        Assert.Equal(id, S(acked["id"]));
        Assert.True(acked["acknowledged"]!.GetValue<bool>());
        Assert.Equal(org.ApiKeyId, S(acked["acknowledged_by"]));
        Assert.NotNull(acked["acknowledged_at"]);

        var again = await PatchAsync(org.Http, $"anomalies/{id}/acknowledge", "", HttpStatusCode.OK);
        Assert.Equal(S(acked["acknowledged_at"]), S(again["acknowledged_at"]));
        Assert.Equal(S(acked["acknowledged_at"]), S((await org.GetAsync($"anomalies/{id}"))["acknowledged_at"]));

        Assert.DoesNotContain((await org.GetAsync($"orgs/{org.Id}/anomalies?unacked=true")).AsArray(), x => S(x!["id"]) == id);
        Assert.Contains((await org.GetAsync($"orgs/{org.Id}/anomalies")).AsArray(), x => S(x!["id"]) == id);
        var audit = (await org.GetAsync($"orgs/{org.Id}/audit?action=anomaly_acknowledged")).AsArray();
        Assert.Equal(id, S(Assert.Single(audit)!["target_id"]));
    }

    [Fact]
    public async Task List_FiltersBySeverityFieldAndSerial_AndRejectsBadFilters()
    {
        var (feed, a) = await AnomalyAsync();
        var org = feed.Org;
        var other = await org.DeviceAsync();
        Assert.Single((await org.GetAsync($"orgs/{org.Id}/anomalies?severity=critical&field=temp")).AsArray());
        Assert.Empty((await org.GetAsync($"orgs/{org.Id}/anomalies?severity=warning")).AsArray());
        Assert.Empty((await org.GetAsync($"orgs/{org.Id}/anomalies?field=hum")).AsArray());
        Assert.Empty((await org.GetAsync($"orgs/{org.Id}/anomalies?serial={other.Serial}")).AsArray());
        Assert.Equal(S(a["id"]), S((await org.GetAsync($"orgs/{org.Id}/anomalies?limit=1&field=temp"))[0]!["id"]));

        var bad = await org.GetAsync($"orgs/{org.Id}/anomalies?severity=loud", HttpStatusCode.BadRequest);
        Assert.Contains("severity", bad.ToJsonString());
        bad = await org.GetAsync($"orgs/{org.Id}/anomalies?limit=0", HttpStatusCode.BadRequest);
        Assert.Contains("limit", bad.ToJsonString());
        await org.GetAsync("anomalies/does-not-exist", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnotherOrg_CannotReadListOrAcknowledge()
    {
        var (feed, a) = await AnomalyAsync();
        var id = S(a["id"]);
        var b = await TestOrg.CreateAsync(_server);
        await b.GetAsync($"anomalies/{id}", HttpStatusCode.NotFound);
        await PatchAsync(b.Http, $"anomalies/{id}/acknowledge", "", HttpStatusCode.NotFound);
        await b.GetAsync($"orgs/{feed.Org.Id}/anomalies", HttpStatusCode.NotFound);
        await b.GetAsync($"orgs/{feed.Org.Id}/anomaly-settings", HttpStatusCode.NotFound);
        await PatchAsync(b.Http, $"orgs/{feed.Org.Id}/anomaly-settings", """{"robust_zscore":true}""", HttpStatusCode.NotFound);
        Assert.Empty((await b.GetAsync($"orgs/{b.Id}/anomalies")).AsArray());

        Assert.False((await feed.Org.GetAsync($"anomalies/{id}"))["acknowledged"]!.GetValue<bool>());
        Assert.False((await feed.Org.GetAsync($"orgs/{feed.Org.Id}/anomaly-settings"))["robust_zscore"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Settings_DefaultsAreTheSeedsFourFields_AndPatchValidatesEachField()
    {
        var org = await TestOrg.CreateAsync(_server);
        var s = await org.GetAsync($"orgs/{org.Id}/anomaly-settings");
        Assert.Equal(["bat", "co2", "hum", "temp"], s["fields"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal(1.0, s["fields"]!["temp"]!["min_abs_change"]!.GetValue<double>());
        Assert.Equal(3.5, s["fields"]!["bat"]!["floor"]!.GetValue<double>());
        Assert.Equal(29, s["window_size"]!.GetValue<int>());
        Assert.Equal(30, s["cooldown_minutes"]!.GetValue<double>());
        Assert.False(s["robust_zscore"]!.GetValue<bool>());
        Assert.False(s["rate_of_change"]!.GetValue<bool>());

        foreach (var (body, field) in new[]
                 {
                     ("""{"fields":{"pressure":{"min_abs_change":-1}}}""", "fields.pressure.min_abs_change"),
                     ("""{"fields":{"pressure":{"max_rate_per_min":0}}}""", "fields.pressure.max_rate_per_min"),
                     ("""{"fields":{"pressure":{"floor":"low"}}}""", "fields.pressure.floor"),
                     ("""{"fields":{"pressure":{"bogus":1}}}""", "fields.pressure.bogus"),
                     ("""{"fields":{"ts":{}}}""", "fields.ts"),
                     ("""{"fields":[]}""", "fields"),
                     ("""{"robust_zscore":"yes"}""", "robust_zscore"),
                     ("""{"threshold":5}""", "threshold"),
                     ("""[]""", "body"),
                 })
        {
            var problem = await PatchAsync(org.Http, $"orgs/{org.Id}/anomaly-settings", body, HttpStatusCode.BadRequest);
            Assert.True(problem["errors"]?[field] is not null, $"{body}: {problem.ToJsonString()}");
        }

        var patched = await PatchAsync(org.Http, $"orgs/{org.Id}/anomaly-settings",
            """{"fields":{"pressure":{"min_abs_change":5},"co2":null},"rate_of_change":true}""", HttpStatusCode.OK);
        Assert.Equal(["bat", "hum", "pressure", "temp"], patched["fields"]!.AsObject().Select(p => p.Key).Order());
        Assert.True(patched["rate_of_change"]!.GetValue<bool>());
        Assert.Equal(patched.ToJsonString(), (await org.GetAsync($"orgs/{org.Id}/anomaly-settings")).ToJsonString());
        Assert.Single((await org.GetAsync($"orgs/{org.Id}/audit?action=anomaly_settings_updated")).AsArray());
    }

    [Fact]
    public async Task AnOrgsOwnField_AndItsRemovedDefault_AreHonouredByTheDetector()
    {
        var feed = await AnomalyFeed.CreateAsync(_server);
        await PatchAsync(feed.Org.Http, $"orgs/{feed.Org.Id}/anomaly-settings",
            """{"fields":{"pressure":{"min_abs_change":5},"co2":null}}""", HttpStatusCode.OK);
        var readings = Enumerable.Range(0, 29).Select(_ => """{"pressure":1000,"co2":500}""").ToList();
        readings.Add("""{"pressure":1250,"co2":1000}""");        // pressure +25 % → warning; co2 +100 % but not monitored
        await feed.HttpAsync([.. readings]);
        var a = Assert.Single(await feed.WaitForAsync("pressure", 1))!;
        Assert.Equal("warning", S(a["severity"]));
        await feed.ControlAsync();
        Assert.Empty(await feed.AnomaliesAsync("co2"));
    }

    [Fact]
    public async Task RateOfChange_AndRobustZScore_AreOffByDefault_AndOnPerOrg()
    {
        var off = await AnomalyFeed.CreateAsync(_server);
        var on = await AnomalyFeed.CreateAsync(_server);
        await PatchAsync(on.Org.Http, $"orgs/{on.Org.Id}/anomaly-settings",
            """{"rate_of_change":true,"robust_zscore":true,"fields":{"temp":{"min_abs_change":1,"max_rate_per_min":2}}}""", HttpStatusCode.OK);
        await PatchAsync(off.Org.Http, $"orgs/{off.Org.Id}/anomaly-settings",
            """{"fields":{"temp":{"min_abs_change":1,"max_rate_per_min":2}}}""", HttpStatusCode.OK);

        // One minute apart: 20 → 25 is 5 °C/min, more than twice the 2 °C/min limit → critical (no full window needed).
        foreach (var f in new[] { off, on }) await f.HttpAsync("""{"temp":20}""", """{"temp":25}""");
        var rate = Assert.Single(await on.WaitForAsync("temp", 1))!;
        Assert.Equal("rate_of_change", S(rate["detector"]));
        Assert.Equal("critical", S(rate["severity"]));
        Assert.Equal(20, rate["baseline"]!.GetValue<double>());

        // A quiet signal around 100 (14 × 99.9, 100, 14 × 100.1): 102 is only +2 % of the mean, but z = 13.5.
        var robustOn = await AnomalyFeed.CreateAsync(_server);
        await PatchAsync(robustOn.Org.Http, $"orgs/{robustOn.Org.Id}/anomaly-settings", """{"robust_zscore":true}""", HttpStatusCode.OK);
        var robustOff = await AnomalyFeed.CreateAsync(_server);
        var quiet = AnomalyFeed.Repeat("temp", 99.9, 14).Concat(AnomalyFeed.Repeat("temp", 100, 1)).Concat(AnomalyFeed.Repeat("temp", 100.1, 14)).ToArray();
        foreach (var f in new[] { robustOff, robustOn }) await f.HttpAsync([.. quiet, """{"temp":102}"""]);
        var z = Assert.Single(await robustOn.WaitForAsync("temp", 1))!;
        Assert.Equal("robust_zscore", S(z["detector"]));
        Assert.Equal(100, z["baseline"]!.GetValue<double>(), 6);

        await off.ControlAsync();
        await robustOff.ControlAsync();
        Assert.Empty(await off.AnomaliesAsync("temp"));
        Assert.Empty(await robustOff.AnomaliesAsync("temp"));
    }
}
