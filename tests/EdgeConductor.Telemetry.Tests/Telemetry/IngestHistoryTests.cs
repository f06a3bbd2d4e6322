using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Telemetry;

/// <summary>Ingest over HTTP (API key, X-Device-Secret) and MQTT (mosquitto, paho; v3.1.1 and v5; QoS 0/1/2) → history.</summary>
public abstract class IngestHistoryTestsBase(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    private static async Task<JsonArray> HistoryAsync(TestDevice d, string query = "") =>
        (JsonArray)await d.Org.GetAsync($"devices/{d.Serial}/telemetry{query}");

    [Fact]
    public async Task HttpPush_WithOrgApiKey_AppearsInHistoryWithServerTime()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var pushed = await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"temp":24.5,"hum":60,"relay":false,"reboot_reason":"POWERON"}""")
            .ExpectAsync(HttpStatusCode.OK);

        Assert.True(pushed["ok"]!.GetValue<bool>());
        var history = await HistoryAsync(d);
        var rec = Assert.Single(history)!;
        Assert.Equal(24.5, rec["temp"]!.GetValue<double>());
        Assert.Equal(60, rec["hum"]!.GetValue<int>());
        Assert.False(rec["relay"]!.GetValue<bool>());
        Assert.Equal("POWERON", rec["reboot_reason"]!.GetValue<string>());
        var ts = DateTimeOffset.Parse(rec["ts"]!.GetValue<string>());
        Assert.InRange(ts, before, DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task HttpPush_WithDeviceSecretHeader_Accepted_WrongSecretIs401()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        using var anon = Server.Http();

        await anon.PostRawAsync($"devices/{d.Serial}/telemetry", """{"co2":850}""", d.Secret).ExpectAsync(HttpStatusCode.OK);
        var bad = await anon.PostRawAsync($"devices/{d.Serial}/telemetry", """{"co2":851}""", "ds_wrong").ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.NotNull(bad["code"]);
        await anon.PostRawAsync($"devices/{d.Serial}/telemetry", """{"co2":852}""").ExpectAsync(HttpStatusCode.Unauthorized);

        var other = await org.DeviceAsync();
        await anon.PostRawAsync($"devices/{other.Serial}/telemetry", """{"co2":853}""", d.Secret).ExpectAsync(HttpStatusCode.Unauthorized);

        var rec = Assert.Single(await HistoryAsync(d))!;
        Assert.Equal(850, rec["co2"]!.GetValue<int>());
        Assert.Empty(await HistoryAsync(other));
    }

    [Theory]
    [InlineData("\"2026-01-02T03:04:05Z\"", "2026-01-02T03:04:05")]
    [InlineData("1767323045", "2026-01-02T03:04:05")]
    [InlineData("1767323045123", "2026-01-02T03:04:05.123")]
    public async Task PayloadTs_IsTheReadingTime_AndIsNotStoredAsAField(string tsJson, string expectedPrefix)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        using (var admin = await TestOrg.AdminAsync(Server)) // these dates are older than the default 7-day retention, which ingest enforces
            await admin.PatchRawAsync($"orgs/{org.Id}", """{"telemetry_retention_days":3650}""").ExpectAsync(HttpStatusCode.OK);
        var pushed = await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"temp":1,"ts":{{tsJson}}}""").ExpectAsync(HttpStatusCode.OK);
        Assert.StartsWith(expectedPrefix, pushed["ts"]!.GetValue<string>());

        var rec = Assert.Single((JsonArray)await org.GetAsync($"devices/{d.Serial}/telemetry/recent"))!;
        Assert.StartsWith(expectedPrefix, rec["ts"]!.GetValue<string>());
        Assert.Equal(2, rec.AsObject().Count); // ts and temp only
    }

    [Theory]
    [InlineData(311, 0)]
    [InlineData(311, 1)]
    [InlineData(311, 2)]
    [InlineData(5, 0)]
    [InlineData(5, 1)]
    [InlineData(5, 2)]
    public async Task MosquittoPub_TelemetryAtEachQosAndVersion_IsStored(int version, int qos)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var r = await Mosquitto.PublishAsync(d, "telemetry", $$"""{"temp":{{version}}.{{qos}},"signal":-61}""", qos, version);
        Assert.True(r.ExitCode == 0, r.ToString());
        if (qos == 1) Assert.Contains("PUBACK", r.Stdout);
        if (qos == 2) Assert.Contains("PUBCOMP", r.Stdout);

        // QoS 1/2: acknowledged = committed, so it is read at once (polling would hide an ack sent before the commit).
        // QoS 0 has no acknowledgement: the store happens after mosquitto_pub returns, so that case waits for it.
        var history = qos == 0 ? await Eventually.ValueAsync(() => HistoryAsync(d), h => h.Count == 1) : await HistoryAsync(d);
        Assert.Single(history);
        Assert.Equal(double.Parse($"{version}.{qos}", System.Globalization.CultureInfo.InvariantCulture), history[0]!["temp"]!.GetValue<double>());
        Assert.Equal(-61, history[0]!["signal"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task MosquittoPub_Qos0ThenImmediateDisconnect_EveryMessageIsStored(int version)
    {
        // mosquitto_pub -q 0 (like a device going to deep sleep) sends PUBLISH, DISCONNECT and closes at once.
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        const int count = 15;
        for (var i = 0; i < count; i++)
        {
            var r = await Mosquitto.PublishAsync(d, "telemetry", $$"""{"n":{{i}}}""", 0, version);
            Assert.True(r.ExitCode == 0, r.ToString());
        }
        var history = await Eventually.ValueAsync(() => HistoryAsync(d), h => h.Count == count, TimeSpan.FromSeconds(5));
        Assert.Equal(Enumerable.Range(0, count), history.Select(x => x!["n"]!.GetValue<int>()).Order());
    }

    [Theory]
    [InlineData("311", 0)]
    [InlineData("311", 1)]
    [InlineData("311", 2)]
    [InlineData("5", 1)]
    [InlineData("5", 2)]
    public async Task Paho_TelemetryAtEachQosAndVersion_IsStored(string version, int qos)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var r = await ExternalTool.PahoAsync(["--port", Server.MqttPort.ToString(), "--protocol", version, "--user", d.Serial, "--password", d.Secret,
            "--qos", qos.ToString(), "--pub", d.Topic("telemetry"), """{"bat":4.05,"gps_fix":true}"""]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("\"ok\": true", r.Stdout);

        // QoS 1/2: read at once after the acknowledgement (see MosquittoPub_TelemetryAtEachQosAndVersion_IsStored).
        var history = qos == 0 ? await Eventually.ValueAsync(() => HistoryAsync(d), h => h.Count == 1) : await HistoryAsync(d);
        Assert.Single(history);
        Assert.Equal(4.05, history[0]!["bat"]!.GetValue<double>());
        Assert.True(history[0]!["gps_fix"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("311")]
    [InlineData("5")]
    public async Task Paho_ManyQos1MessagesOnOneConnection_AreAllStoredExactlyOnce(string version)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        const int count = 200;
        var args = new List<string> { "--port", Server.MqttPort.ToString(), "--protocol", version, "--user", d.Serial, "--password", d.Secret, "--qos", "1", "--timeout", "30" };
        for (var i = 0; i < count; i++) args.AddRange(["--pub", d.Topic("telemetry"), $$"""{"n":{{i}}}"""]);
        var r = await ExternalTool.PahoAsync(args, TimeSpan.FromSeconds(60));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(count, r.Stdout.Split('\n').Count(l => l.Contains("\"ok\": true")));

        var history = await HistoryAsync(d, "?limit=1000"); // acknowledged = committed: no waiting needed
        Assert.Equal(Enumerable.Range(0, count), history.Select(x => x!["n"]!.GetValue<int>()).Order());
    }

    [Fact]
    public async Task MqttPayloadTs_IsHonoured()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var ts = DateTimeOffset.UtcNow.AddDays(-2);
        ts = new DateTimeOffset(ts.Year, ts.Month, ts.Day, ts.Hour, ts.Minute, ts.Second, TimeSpan.Zero);
        var r = await Mosquitto.PublishAsync(d, "telemetry", $$"""{"hum":41,"ts":"{{ts:yyyy-MM-ddTHH:mm:ssZ}}"}""", 1, 5);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Empty(await HistoryAsync(d, "?hours=24"));
        var rec = Assert.Single(await HistoryAsync(d, "?hours=168"))!;
        Assert.Equal(ts, DateTimeOffset.Parse(rec["ts"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("?hours=0", "hours")]
    [InlineData("?hours=169", "hours")]
    [InlineData("?hours=-1", "hours")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=604801", "limit")]
    [InlineData("?hours=abc", "hours")]
    public async Task History_OutOfRangeHoursOrLimit_Is400NamingTheParameter(string query, string parameter)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var problem = await org.Http.GetAsync($"devices/{d.Serial}/telemetry{query}").ExpectAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["code"]);
        Assert.Contains(parameter, problem.ToJsonString());
    }

    [Fact]
    public async Task History_HoursWindowAndLimit_ReturnNewestRecordsOldestFirst()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var now = DateTimeOffset.UtcNow;
        foreach (var (minutesAgo, temp) in new[] { (300, 1), (90, 2), (50, 3), (20, 4), (5, 5) })
            await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"temp":{{temp}},"ts":{{now.AddMinutes(-minutesAgo).ToUnixTimeMilliseconds()}}}""")
                .ExpectAsync(HttpStatusCode.OK);

        int[] Temps(JsonArray a) => a.Select(x => x!["temp"]!.GetValue<int>()).ToArray();
        Assert.Equal(new[] { 3, 4, 5 }, Temps(await HistoryAsync(d, "?hours=1")));
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, Temps(await HistoryAsync(d, "?hours=6")));
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, Temps(await HistoryAsync(d)));
        Assert.Equal(new[] { 4, 5 }, Temps(await HistoryAsync(d, "?hours=6&limit=2")));
    }

    [Fact]
    public async Task History_LongerThanOneStreamedChunk_IsOneWellFormedArray_InOrder_AndLimitKeepsTheNewest()
    {
        // History is streamed in ~32K-character chunks: 3,000 records are several chunks.
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await using var client = new EdgeConductor.Mqtt.Client.MqttClient(new EdgeConductor.Mqtt.Client.MqttClientOptions
        {
            Port = Server.MqttPort, ClientId = d.Serial, UserName = d.Serial, Password = System.Text.Encoding.UTF8.GetBytes(d.Secret),
        });
        await client.ConnectAsync();
        const int count = 3_000;
        var start = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds();
        for (var batch = 0; batch < count; batch += 100)
        {
            await Task.WhenAll(Enumerable.Range(batch, 100).Select(i => client.PublishAsync(d.Topic("telemetry"),
                $$"""{"n":{{i}},"note":"reading number {{i}} of a long history","ts":{{start + i * 1000L}}}""",
                EdgeConductor.Mqtt.Protocol.MqttQualityOfService.AtLeastOnce)));
        }

        var all = await HistoryAsync(d, "?hours=3&limit=5000");
        Assert.Equal(Enumerable.Range(0, count), all.Select(x => x!["n"]!.GetValue<int>()));
        Assert.All(all, x => Assert.StartsWith("reading number", x!["note"]!.GetValue<string>()));
        var newest = await HistoryAsync(d, "?hours=3&limit=1200");
        Assert.Equal(Enumerable.Range(count - 1200, 1200), newest.Select(x => x!["n"]!.GetValue<int>()));
    }

    [Fact]
    public async Task History_NoRecords_IsAnEmptyArray()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        Assert.Empty(await HistoryAsync(d));
    }

    [Fact]
    public async Task Recent_IsNewestFirst_DefaultTwentyAndLimitValidated()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();
        for (var i = 0; i < 25; i++)
            await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"n":{{i}},"ts":{{start + i * 1000}}}""").ExpectAsync(HttpStatusCode.OK);

        var recent = (JsonArray)await org.GetAsync($"devices/{d.Serial}/telemetry/recent");
        Assert.Equal(Enumerable.Range(5, 20).Reverse().ToArray(), recent.Select(x => x!["n"]!.GetValue<int>()).ToArray());
        var three = (JsonArray)await org.GetAsync($"devices/{d.Serial}/telemetry/recent?limit=3");
        Assert.Equal(new[] { 24, 23, 22 }, three.Select(x => x!["n"]!.GetValue<int>()).ToArray());
        await org.Http.GetAsync($"devices/{d.Serial}/telemetry/recent?limit=0").ExpectAsync(HttpStatusCode.BadRequest);
        await org.Http.GetAsync($"devices/{d.Serial}/telemetry/recent?limit=1001").ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Latest_GivesEachMetricsNewestValueAndItsTime()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"temp":20,"hum":50,"ts":{{t0.ToUnixTimeMilliseconds()}}}""").ExpectAsync(HttpStatusCode.OK);
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"temp":22,"ts":{{t0.AddMinutes(5).ToUnixTimeMilliseconds()}}}""").ExpectAsync(HttpStatusCode.OK);

        var latest = await org.GetAsync($"devices/{d.Serial}/telemetry/latest");
        Assert.Equal(d.Serial, latest["serial_no"]!.GetValue<string>());
        Assert.NotNull(latest["last_seen"]);
        var metrics = latest["metrics"]!;
        Assert.Equal(22, metrics["temp"]!["value"]!.GetValue<int>());
        Assert.Equal(t0.AddMinutes(5).ToUnixTimeMilliseconds(), DateTimeOffset.Parse(metrics["temp"]!["ts"]!.GetValue<string>()).ToUnixTimeMilliseconds());
        Assert.Equal(50, metrics["hum"]!["value"]!.GetValue<int>());
        Assert.Equal(t0.ToUnixTimeMilliseconds(), DateTimeOffset.Parse(metrics["hum"]!["ts"]!.GetValue<string>()).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task UnknownDevice_Is404()
    {
        var org = await TestOrg.CreateAsync(Server);
        foreach (var path in new[] { "telemetry", "telemetry/recent", "telemetry/latest", "telemetry/aggregate?metric=temp" })
            await org.Http.GetAsync($"devices/NO-SUCH-DEVICE/{path}").ExpectAsync(HttpStatusCode.NotFound);
        await org.Http.PostRawAsync("devices/NO-SUCH-DEVICE/telemetry", """{"temp":1}""").ExpectAsync(HttpStatusCode.NotFound);
    }
}

[Collection(ServerCollection.Name)]
public sealed class IngestHistoryTests(ServerFixture fixture) : IngestHistoryTestsBase(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresIngestHistoryTests(PostgresServerFixture fixture) : IngestHistoryTestsBase(fixture);
