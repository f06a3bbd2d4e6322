using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Telemetry;

/// <summary>
/// Every kind of bad device message is rejected whole: HTTP 400 naming the problem, MQTT v5 PUBACK 0x99, MQTT v3
/// dropped and counted; nothing of it is stored (no telemetry row, no reported key, no last_seen).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class BadPayloadTests(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    private static string ManyFields(int n) => "{" + string.Join(',', Enumerable.Range(0, n).Select(i => $"\"f{i}\":{i}")) + "}";

    private static string Oversized() => "{" + string.Join(',', Enumerable.Range(0, 40).Select(i => $"\"s{i}\":\"{new string('x', 250)}\"")) + "}";

    /// <summary>Case name → (payload, a phrase the error must contain).</summary>
    public static readonly Dictionary<string, (string Payload, string Problem)> Cases = new()
    {
        ["not-json"] = ("temp=21", "not valid JSON"),
        ["truncated-json"] = ("{\"temp\":21", "not valid JSON"),
        ["trailing-garbage"] = ("{\"temp\":21} trailing", "not valid JSON"),
        ["two-objects"] = ("{\"temp\":21}{\"hum\":40}", "not valid JSON"),
        ["empty-array"] = ("[]", "no readings"),
        ["array-of-numbers"] = ("[1,2]", "reading [0]: must be a JSON object"),
        ["array-with-one-bad-reading"] = ("[{\"temp\":21},{\"temp\":22},{\"temp\":23,\"bad key\":1}]", "reading [2]"),
        ["array-reading-ts-in-future"] = ("[{\"temp\":21},{\"temp\":22,\"ts\":" + DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() + "}]", "reading [1]: ts"),
        ["string"] = ("\"temp\"", "JSON object"),
        ["nested-too-deep"] = ("{\"temp\":21,\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":1}}}}}}}", "'a.b.c.d.e.f' nests deeper than 6"),
        ["null-in-array"] = ("{\"temp\":21,\"list\":[1,null]}", "'list[1]'"),
        ["nested-duplicate-key"] = ("{\"temp\":21,\"gps\":{\"lat\":1,\"lat\":2}}", "'gps.lat' appears twice"),
        ["nested-bad-key"] = ("{\"temp\":21,\"gps\":{\"la t\":1}}", "gps.la t"),
        ["null-value"] = ("{\"temp\":21,\"hum\":null}", "'hum'"),
        ["over-8kb"] = (Oversized(), "8192"),
        ["65-fields"] = (ManyFields(65), "64 fields"),
        ["key-with-space"] = ("{\"temp\":21,\"bad key\":1}", "bad key"),
        ["key-starting-with-digit"] = ("{\"temp\":21,\"1st\":1}", "1st"),
        ["key-too-long"] = ("{\"temp\":21,\"" + new string('k', 65) + "\":1}", "kkkk"),
        ["non-finite-number"] = ("{\"temp\":21,\"hum\":1e999}", "'hum' is not a finite number"),
        ["empty-object"] = ("{}", "no fields"),
        ["only-ts"] = ("{\"ts\":1767323045}", "no fields"),
        ["duplicate-key"] = ("{\"temp\":21,\"temp\":22}", "twice"),
        ["string-too-long"] = ("{\"temp\":21,\"note\":\"" + new string('n', 257) + "\"}", "'note'"),
        ["ts-in-future"] = ("{\"temp\":21,\"ts\":" + DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() + "}", "ts"),
        ["ts-before-2000"] = ("{\"temp\":21,\"ts\":\"1999-12-31T23:59:59Z\"}", "ts"),
        ["ts-not-a-time"] = ("{\"temp\":21,\"ts\":\"yesterday\"}", "ts"),
        ["ts-time-only"] = ("{\"temp\":21,\"ts\":\"12:00\"}", "RFC 3339"),
        ["ts-us-date"] = ("{\"temp\":21,\"ts\":\"03/04/2026\"}", "RFC 3339"),
        ["ts-date-only"] = ("{\"temp\":21,\"ts\":\"2026-03-04\"}", "RFC 3339"),
        ["ts-without-zone"] = ("{\"temp\":21,\"ts\":\"2026-03-04T12:00:00\"}", "RFC 3339"),
        ["ts-numeric-string"] = ("{\"temp\":21,\"ts\":\"1767323045\"}", "RFC 3339"),
        ["ts-boolean"] = ("{\"temp\":21,\"ts\":true}", "RFC 3339"),
        ["ts-twice"] = ("{\"temp\":21,\"ts\":1767323045,\"ts\":1767323046}", "'ts' appears twice"),
    };

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Keys) data.Add(name);
        return data;
    }

    private static async Task AssertNothingStoredAsync(TestDevice d)
    {
        Assert.Empty((JsonArray)await d.Org.GetAsync($"devices/{d.Serial}/telemetry?hours=168"));
        var shadow = await d.Org.GetAsync($"devices/{d.Serial}/shadow");
        Assert.Empty(shadow["reported"]!.AsObject());
        var device = await d.Org.GetAsync($"devices/{d.Serial}");
        Assert.Null(device["last_seen"]);
        Assert.False(device["online"]!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Http_BadPayload_Is400NamingTheProblem_AndNothingIsStored(string name)
    {
        var (payload, problem) = Cases[name];
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();

        var body = await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", payload).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(body["code"]);
        Assert.Contains(problem, body["detail"]?.GetValue<string>() ?? body.ToJsonString());

        using var anon = Server.Http();
        await anon.PostRawAsync($"devices/{d.Serial}/telemetry", payload, d.Secret).ExpectAsync(HttpStatusCode.BadRequest);
        await AssertNothingStoredAsync(d);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task MqttV5Qos1_BadPayload_PubAck0x99_AndNothingIsStored(string name)
    {
        var (payload, _) = Cases[name];
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();

        var r = await Mosquitto.PublishAsync(d, "telemetry", payload, qos: 1, version: 5);
        Assert.Contains("RC:153", r.Stdout);
        var shadow = await Mosquitto.PublishAsync(d, "shadow/reported", payload, qos: 1, version: 5);
        if (name != "null-value") Assert.Contains("RC:153", shadow.Stdout); // null deletes a key in shadow/reported
        else Assert.Contains("RC:0", shadow.Stdout.Replace("RC:0)", "RC:0"));
        if (name != "null-value") await AssertNothingStoredAsync(d);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task MqttV311_BadPayload_IsDroppedAndCounted_AndNothingIsStored(string name)
    {
        var (payload, _) = Cases[name];
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var rejectedBefore = await Metrics.SumAsync(Server, "ec_telemetry_messages_total", "result=\"rejected\"");
        var brokerBefore = await Metrics.SumAsync(Server, "mqtt_publishes_rejected_total");

        var r = await Mosquitto.PublishAsync(d, "telemetry", payload, qos: 1, version: 311);
        Assert.True(r.ExitCode == 0, r.ToString()); // v3.1.1 has no negative PUBACK: the message is dropped

        Assert.True(await Metrics.SumAsync(Server, "ec_telemetry_messages_total", "result=\"rejected\"") > rejectedBefore, "rejection not counted in ec_telemetry_messages_total");
        Assert.True(await Metrics.SumAsync(Server, "mqtt_publishes_rejected_total") > brokerBefore, "rejection not counted in mqtt_publishes_rejected_total");
        await AssertNothingStoredAsync(d);
    }

    [Fact]
    public async Task Http_EmptyBody_Is400()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var body = await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", "").ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("empty", body["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Http_BodyOfExactly8KB_IsAccepted_OneByteMoreIsNot()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        string Sized(int bytes)
        {
            var head = "{\"temp\":21";
            var sb = new StringBuilder(head);
            var i = 0;
            while (sb.Length + 2 + 250 + 10 < bytes) sb.Append($",\"s{i++}\":\"{new string('x', 250)}\"");
            var pad = bytes - sb.Length - $",\"p\":\"\"}}".Length;
            sb.Append($",\"p\":\"{new string('y', pad)}\"}}");
            return sb.ToString();
        }
        var ok = Sized(8192);
        Assert.Equal(8192, Encoding.UTF8.GetByteCount(ok));
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", ok).ExpectAsync(HttpStatusCode.OK);
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", Sized(8193)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Single((JsonArray)await org.GetAsync($"devices/{d.Serial}/telemetry"));
    }
}
