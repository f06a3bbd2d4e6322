using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Shadow;

/// <summary>Desired/reported/delta/version (AWS IoT shadow semantics), optimistic locking, and delivery to devices.</summary>
public abstract class ShadowTestsBase(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    private static Task<JsonNode> PatchAsync(TestDevice d, string body, HttpStatusCode status = HttpStatusCode.OK, string? ifMatch = null) =>
        d.Org.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", body, ifMatch).ExpectAsync(status);

    private static Task<JsonNode> ShadowAsync(TestDevice d) => d.Org.GetAsync($"devices/{d.Serial}/shadow");

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}, got {actual?.ToJsonString()}");

    [Fact]
    public async Task PatchDesired_MergesKeys_NullDeletes_VersionIncrementsOnEachChange()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var v0 = (await ShadowAsync(d))["version"]!.GetValue<long>();

        var s1 = await PatchAsync(d, """{"relay":true,"setpoint":22}""");
        AssertJson("""{"relay":true,"setpoint":22}""", s1["desired"]);
        Assert.Equal(v0 + 1, s1["version"]!.GetValue<long>());

        var s2 = await PatchAsync(d, """{"setpoint":23,"mode":"auto"}""");
        AssertJson("""{"relay":true,"setpoint":23,"mode":"auto"}""", s2["desired"]);
        Assert.Equal(v0 + 2, s2["version"]!.GetValue<long>());

        var s3 = await PatchAsync(d, """{"mode":null}""");
        AssertJson("""{"relay":true,"setpoint":23}""", s3["desired"]);
        Assert.Equal(v0 + 3, s3["version"]!.GetValue<long>());

        var shadow = await ShadowAsync(d);
        AssertJson("""{"relay":true,"setpoint":23}""", shadow["desired"]);
        AssertJson("""{"relay":true,"setpoint":23}""", shadow["delta"]);
        Assert.NotNull(shadow["metadata"]!["desired"]!["relay"]!["timestamp"]);
        Assert.Null(shadow["metadata"]!["desired"]!["mode"]);

        var device = await org.GetAsync($"devices/{d.Serial}");
        AssertJson("""{"relay":true,"setpoint":23}""", device["shadow_desired"]);
    }

    [Fact]
    public async Task Delta_IsDesiredKeysThatDifferFromReported()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await PatchAsync(d, """{"relay":true,"setpoint":22,"led":"on"}""");
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"relay":true,"setpoint":20,"temp":21.5}""").ExpectAsync(HttpStatusCode.OK);

        var shadow = await ShadowAsync(d);
        AssertJson("""{"setpoint":22,"led":"on"}""", shadow["delta"]);
        AssertJson("""{"relay":true,"setpoint":20,"temp":21.5}""", shadow["reported"]);
    }

    [Fact]
    public async Task StaleVersion_InBody409_InIfMatch412_AndChangesNothing()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var read = await PatchAsync(d, """{"relay":true}""");
        var v = read["version"]!.GetValue<long>();
        await PatchAsync(d, $$"""{"setpoint":21,"version":{{v}}}""");           // current: accepted
        var current = v + 1;

        var conflict = await PatchAsync(d, $$"""{"relay":false,"version":{{v}}}""", HttpStatusCode.Conflict);
        Assert.NotNull(conflict["code"]);
        await PatchAsync(d, """{"relay":false}""", HttpStatusCode.PreconditionFailed, ifMatch: $"\"{v}\"");

        var shadow = await ShadowAsync(d);
        AssertJson("""{"relay":true,"setpoint":21}""", shadow["desired"]);
        Assert.Equal(current, shadow["version"]!.GetValue<long>());

        var ok = await PatchAsync(d, """{"relay":false}""", ifMatch: $"\"{current}\"");
        Assert.Equal(current + 1, ok["version"]!.GetValue<long>());
        await PatchAsync(d, """{"relay":true}""", HttpStatusCode.BadRequest, ifMatch: "\"not-a-number\"");
    }

    [Fact]
    public async Task ConcurrentPatches_WithTheSameVersion_ExactlyOneWins()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var v = (await PatchAsync(d, """{"setpoint":20}"""))["version"]!.GetValue<long>();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var r = await d.Org.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", $$"""{"setpoint":{{30 + i}},"version":{{v}}}""");
            return r.StatusCode;
        }));
        Assert.Equal(1, attempts.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(7, attempts.Count(s => s == HttpStatusCode.Conflict));
        var shadow = await ShadowAsync(d);
        Assert.Equal(v + 1, shadow["version"]!.GetValue<long>());
        Assert.InRange(shadow["desired"]!["setpoint"]!.GetValue<int>(), 30, 37);
    }

    [Fact]
    public async Task ConcurrentDesiredPatchesAndReports_LoseNoKey()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        using var anon = Server.Http();
        var work = new List<Task>();
        for (var i = 0; i < 10; i++)
        {
            var n = i;
            work.Add(PatchAsync(d, $$"""{"d{{n}}":{{n}}}"""));
            work.Add(anon.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"r{{n}}":{{n}}}""", d.Secret).ExpectAsync(HttpStatusCode.OK));
        }
        await Task.WhenAll(work);
        var shadow = await ShadowAsync(d);
        Assert.Equal(10, shadow["desired"]!.AsObject().Count);
        Assert.Equal(10, shadow["reported"]!.AsObject().Count);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("{}")]
    [InlineData("""{"version":3}""")]
    [InlineData("""{"bad key":1}""")]
    [InlineData("""{"relay":true,"version":"3"}""")]
    public async Task PatchDesired_InvalidBody_Is400(string body)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var problem = await PatchAsync(d, body, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["code"]);
        Assert.Empty((await ShadowAsync(d))["desired"]!.AsObject());
    }

    [Fact]
    public async Task PatchDesired_OverThePatchLimit_Is400_OverTheWireLimit_Is413_Malformed_Is400_AndChangesNothing()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        // {"relay":…} padded with whitespace to exactly n bytes.
        static string Padded(int n, bool relay = true)
        {
            var json = relay ? "{\"relay\":true}" : "{\"relay\":false}";
            return json[..^1] + new string(' ', n - json.Length) + "}";
        }
        // Control: a body of exactly the 8 KB patch limit is read and applied.
        await PatchAsync(d, Padded(ShadowLimitBytes));
        Assert.Equal(1, (await ShadowAsync(d))["version"]!.GetValue<long>());

        var over = await PatchAsync(d, Padded(ShadowLimitBytes + 1, relay: false), HttpStatusCode.BadRequest);
        Assert.Contains("8192", over["detail"]!.GetValue<string>());
        var wire = await PatchAsync(d, Padded(2 * ShadowLimitBytes + 1, relay: false), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("PAYLOAD_TOO_LARGE", wire["code"]!.GetValue<string>());
        var malformed = await PatchAsync(d, """{"relay":""", HttpStatusCode.BadRequest);
        Assert.StartsWith("The body is not valid JSON", malformed["detail"]!.GetValue<string>());

        var shadow = await ShadowAsync(d);
        Assert.Equal(1, shadow["version"]!.GetValue<long>());
        Assert.True(shadow["desired"]!["relay"]!.GetValue<bool>());
    }

    /// <summary>The desired patch limit (ShadowLimits.MaxPatchBytes); the wire limit is twice that.</summary>
    private const int ShadowLimitBytes = 8 * 1024;

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task DesiredPatch_IsDeliveredLive_ToASubscribedDevice_Mosquitto(int version)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await using var sub = Mosquitto.Subscribe(Mosquitto.As(d, version), [d.Topic("shadow/desired")], count: 1);
        await sub.WaitForLineAsync(l => l.StartsWith("Subscribed"), what: "SUBACK");

        await PatchAsync(d, """{"relay":true,"setpoint":22}""");

        var line = await sub.WaitForLineAsync(l => l.StartsWith(d.Topic("shadow/desired") + " "), what: "the desired message");
        AssertJson("""{"relay":true,"setpoint":22}""", JsonNode.Parse(line[(d.Topic("shadow/desired").Length + 1)..]));
        Assert.Equal(0, await sub.WaitForExitAsync());
    }

    [Fact]
    public async Task DesiredPatch_IsDeliveredLive_ToASubscribedDevice_Paho()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await using var sub = RunningTool.Paho(["--port", Server.MqttPort.ToString(), "--protocol", "5", "--user", d.Serial, "--password", d.Secret,
            "--sub", d.Topic("shadow/desired"), "--count", "1", "--timeout", "15"]);
        await sub.WaitForLineAsync(l => l.Contains("\"ready\""), what: "paho subscribed");

        await PatchAsync(d, """{"fan_speed":3}""");

        var msg = JsonNode.Parse(await sub.WaitForLineAsync(l => l.Contains("\"message\""), what: "the desired message"))!;
        Assert.Equal(d.Topic("shadow/desired"), msg["topic"]!.GetValue<string>());
        Assert.Equal(1, msg["qos"]!.GetValue<int>());
        AssertJson("""{"fan_speed":3}""", JsonNode.Parse(msg["payload"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task OfflineDevice_SubscribingAfterThePatch_ReceivesTheOutstandingDelta(int version)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await PatchAsync(d, """{"relay":true,"setpoint":22}""");
        await PatchAsync(d, """{"led":"on"}""");
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"relay":true}""").ExpectAsync(HttpStatusCode.OK); // relay already applied

        await using var sub = Mosquitto.Subscribe(Mosquitto.As(d, version), [d.Topic("shadow/desired")], count: 1);
        var line = await sub.WaitForLineAsync(l => l.StartsWith(d.Topic("shadow/desired") + " "), what: "the outstanding delta");
        AssertJson("""{"setpoint":22,"led":"on"}""", JsonNode.Parse(line[(d.Topic("shadow/desired").Length + 1)..]));
    }

    [Fact]
    public async Task DeviceInSync_SubscribingReceivesNothing()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await PatchAsync(d, """{"relay":true}""");
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"relay":true}""").ExpectAsync(HttpStatusCode.OK);

        var topic = d.Topic("shadow/desired");
        await using var sub = Mosquitto.Subscribe(Mosquitto.As(d), [topic], count: 1);
        // In sync: nothing on subscribe; then a new desired change (the control) does arrive, live.
        await sub.AssertNothingArrivesAsync(
            unwanted: l => l.StartsWith(topic + " ") && !l.Contains("\"control\""),
            sendControl: () => PatchAsync(d, """{"control":1}"""),
            control: l => l.StartsWith(topic + " ") && l.Contains("\"control\":1"));
    }

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task ShadowReportedTopic_UpdatesReported_NullDeletes_AndStoresNoTelemetry(int version)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await PatchAsync(d, """{"relay":true}""");

        var r = await Mosquitto.PublishAsync(d, "shadow/reported", """{"relay":true,"fw":"1.2.0","note":"x"}""", 1, version);
        Assert.True(r.ExitCode == 0, r.ToString());
        var shadow = await ShadowAsync(d);
        AssertJson("""{"relay":true,"fw":"1.2.0","note":"x"}""", shadow["reported"]);
        AssertJson("{}", shadow["delta"]);
        Assert.NotNull(shadow["metadata"]!["reported"]!["fw"]!["timestamp"]);

        r = await Mosquitto.PublishAsync(d, "shadow/reported", """{"note":null}""", 1, version);
        Assert.True(r.ExitCode == 0, r.ToString());
        AssertJson("""{"relay":true,"fw":"1.2.0"}""", (await ShadowAsync(d))["reported"]);
        var device = await org.GetAsync($"devices/{d.Serial}");
        AssertJson("""{"relay":true,"fw":"1.2.0"}""", device["shadow_reported"]);
        Assert.True(device["online"]!.GetValue<bool>());
        Assert.Empty((JsonArray)await org.GetAsync($"devices/{d.Serial}/telemetry"));
    }

    [Fact]
    public async Task Telemetry_UpdatesReported_AndVersion()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var v0 = (await ShadowAsync(d))["version"]!.GetValue<long>();
        var r = await Mosquitto.PublishAsync(d, "telemetry", """{"temp":24.3,"hum":58,"relay":false}""", 1);
        Assert.True(r.ExitCode == 0, r.ToString());

        var shadow = await ShadowAsync(d);
        AssertJson("""{"temp":24.3,"hum":58,"relay":false}""", shadow["reported"]);
        Assert.True(shadow["version"]!.GetValue<long>() > v0);
    }

    [Fact]
    public async Task BackfilledOlderReading_DoesNotOverwriteNewerReportedValue_ButIsInHistory()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var now = DateTimeOffset.UtcNow;
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"temp":30,"ts":{{now.AddMinutes(-1).ToUnixTimeMilliseconds()}}}""").ExpectAsync(HttpStatusCode.OK);
        var r = await Mosquitto.PublishAsync(d, "telemetry", $$"""{"temp":10,"hum":40,"ts":{{now.AddHours(-2).ToUnixTimeMilliseconds()}}}""", 1);
        Assert.True(r.ExitCode == 0, r.ToString());

        var shadow = await ShadowAsync(d);
        Assert.Equal(30, shadow["reported"]!["temp"]!.GetValue<int>());
        Assert.Equal(40, shadow["reported"]!["hum"]!.GetValue<int>()); // a key it had no newer value for is taken
        var latest = await org.GetAsync($"devices/{d.Serial}/telemetry/latest");
        Assert.Equal(30, latest["metrics"]!["temp"]!["value"]!.GetValue<int>());
        var history = (JsonArray)await org.GetAsync($"devices/{d.Serial}/telemetry?hours=6");
        Assert.Equal(new[] { 10, 30 }, history.Select(x => x!["temp"]!.GetValue<int>()).ToArray());
    }
}

[Collection(ServerCollection.Name)]
public sealed class ShadowTests(ServerFixture fixture) : ShadowTestsBase(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresShadowTests(PostgresServerFixture fixture) : ShadowTestsBase(fixture);
