using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Telemetry;

/// <summary>
/// Buffered readings (trackers, GSM devices): a JSON array of readings over MQTT and HTTPS, or NDJSON over HTTPS; stored
/// with their own times, history ordered by ts, reported state takes only the newest value per key, re-sent duplicates
/// stored once, and one bad reading rejects the whole message naming its index.
/// </summary>
public abstract class BufferedReadingsTestsBase(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private static async Task<List<(long Ts, JsonNode Record)>> HistoryAsync(TestDevice d)
    {
        var history = (JsonArray)await d.Org.GetAsync($"devices/{d.Serial}/telemetry?hours=24");
        return history.Select(r => (DateTimeOffset.Parse(r!["ts"]!.GetValue<string>(), CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), r!)).ToList();
    }

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task MqttArray_OutOfOrder_IsStoredWithItsOwnTimes_InTsOrder_AndReportedTakesTheNewest(int version)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync("EC-TRACK");
        var t = DateTimeOffset.UtcNow.AddHours(-3);
        var buffer = $$"""
            [{"lat":1.0,"speed":10,"ts":{{Ms(t.AddMinutes(20))}}},
             {"lat":3.0,"ts":{{Ms(t.AddMinutes(40))}}},
             {"lat":2.0,"speed":30,"gps_fix":true,"ts":{{Ms(t.AddMinutes(30))}}},
             {"lat":0.5,"speed":5,"ts":{{Ms(t.AddMinutes(10))}}}]
            """;
        var r = await Mosquitto.PublishAsync(d, "telemetry", buffer, 1, version);
        Assert.True(r.ExitCode == 0, r.ToString());

        var history = await HistoryAsync(d);
        Assert.Equal(new[] { 10, 20, 30, 40 }.Select(m => Ms(t.AddMinutes(m))).ToArray(), history.Select(h => h.Ts).ToArray());
        Assert.Equal(new[] { 0.5, 1.0, 2.0, 3.0 }, history.Select(h => h.Record["lat"]!.GetValue<double>()).ToArray());

        var shadow = await d.Org.GetAsync($"devices/{d.Serial}/shadow");
        Assert.Equal(3.0, shadow["reported"]!["lat"]!.GetValue<double>());   // ts 40
        Assert.Equal(30, shadow["reported"]!["speed"]!.GetValue<int>());     // its newest is ts 30, not the last in the array
        Assert.True(shadow["reported"]!["gps_fix"]!.GetValue<bool>());
    }

    [Fact]
    public async Task HttpsArray_ReSentAfterALostResponse_IsStoredOnce_WithANewReadingAdded()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync("EC-TRACK");
        var t = DateTimeOffset.UtcNow.AddHours(-1);
        var readings = Enumerable.Range(0, 5).Select(i => $$"""{"n":{{i}},"v":{{i * 1.5}},"ts":{{Ms(t.AddMinutes(i))}}}""").ToList();
        using var device = Server.Http();

        var first = await device.PostRawAsync($"devices/{d.Serial}/telemetry", "[" + string.Join(',', readings) + "]", d.Secret).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(5, first["readings"]!.GetValue<int>());
        Assert.Equal(0, first["duplicates"]!.GetValue<int>());

        // The same buffer again (members in another order, 3.0 for 3: same content), plus one new reading and a same-ts reading with other content.
        var resent = Enumerable.Range(0, 5).Select(i => $$"""{"ts":{{Ms(t.AddMinutes(i))}},"v":{{i * 1.5:0.0##}},"n":{{i}}}""").ToList();
        resent.Add($$"""{"n":5,"v":7.5,"ts":{{Ms(t.AddMinutes(5))}}}""");
        resent.Add($$"""{"n":99,"ts":{{Ms(t.AddMinutes(2))}}}""");
        var second = await device.PostRawAsync($"devices/{d.Serial}/telemetry", "[" + string.Join(',', resent) + "]", d.Secret).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(7, second["readings"]!.GetValue<int>());
        Assert.Equal(5, second["duplicates"]!.GetValue<int>());
        // And once more over MQTT (a PUBACK lost): nothing new.
        Assert.Equal(0, (await Mosquitto.PublishAsync(d, "telemetry", "[" + string.Join(',', resent) + "]", 1, 5)).ExitCode);

        var history = await HistoryAsync(d);
        Assert.Equal(new long[] { 0, 1, 2, 99, 3, 4, 5 }, history.Select(h => h.Record["n"]!.GetValue<long>()).ToArray());
    }

    [Fact]
    public async Task Ndjson_IsAcceptedLikeAnArray_AndOneBadLineRejectsAllNamingItsIndex()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync("EC-TRACK");
        var t = DateTimeOffset.UtcNow.AddMinutes(-30);
        using var device = Server.Http();
        async Task<HttpResponseMessage> PostNdjson(string body)
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, $"devices/{d.Serial}/telemetry") { Content = new StringContent(body, Encoding.UTF8) };
            req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            req.Headers.Add("X-Device-Secret", d.Secret);
            return await device.SendAsync(req);
        }

        var bad = $"{{\"n\":1,\"ts\":{Ms(t)}}}\n\n{{\"n\":2,\"ts\":{Ms(t.AddMinutes(1))}}}\n{{\"n\":3,\"bad key\":1}}\n";
        var problem = await PostNdjson(bad).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("reading [2]", problem["detail"]!.GetValue<string>());
        var smuggled = await PostNdjson("{\"n\":1},{\"n\":2}\n").ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("reading [0]", smuggled["detail"]!.GetValue<string>());
        Assert.Empty(await HistoryAsync(d));

        var ok = await PostNdjson($"{{\"n\":1,\"ts\":{Ms(t)}}}\r\n{{\"n\":2,\"ts\":{Ms(t.AddMinutes(1))}}}\r\n").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, ok["readings"]!.GetValue<int>());
        Assert.Equal(new long[] { 1, 2 }, (await HistoryAsync(d)).Select(h => h.Record["n"]!.GetValue<long>()).ToArray());
    }

    [Fact]
    public async Task MqttV5Array_WithOneBadReading_IsPubAck0x99_AndNothingIsStored()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync("EC-TRACK");
        var r = await Mosquitto.PublishAsync(d, "telemetry", """[{"n":1},{"n":2},{"n":"x","ts":"12:00"}]""", 1, 5);
        Assert.Contains("RC:153", r.Stdout);
        Assert.Empty(await HistoryAsync(d));
        Assert.Empty((await d.Org.GetAsync($"devices/{d.Serial}/shadow"))["reported"]!.AsObject());
    }

    [Fact]
    public async Task ArrayLimits_1000ReadingsAccepted_1001Refused()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync("EC-TRACK");
        var t = DateTimeOffset.UtcNow.AddHours(-2);
        string Array(int n) => "[" + string.Join(',', Enumerable.Range(0, n).Select(i => $"{{\"n\":{i},\"ts\":{Ms(t.AddSeconds(i))}}}")) + "]";
        var problem = await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", Array(1001)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("more than 1000 readings", problem["detail"]!.GetValue<string>());
        var ok = await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", Array(1000)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1000, ok["readings"]!.GetValue<int>());
        Assert.Equal(1000, (await HistoryAsync(d)).Count);
    }
}

[Collection(ServerCollection.Name)]
public sealed class BufferedReadingsTests(ServerFixture fixture) : BufferedReadingsTestsBase(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresBufferedReadingsTests(PostgresServerFixture fixture) : BufferedReadingsTestsBase(fixture);
