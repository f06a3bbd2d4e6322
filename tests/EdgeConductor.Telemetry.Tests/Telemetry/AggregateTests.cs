using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Telemetry;

/// <summary>GET …/telemetry/aggregate against avg/min/max/count computed by hand over readings with explicit ts.</summary>
public abstract class AggregateTestsBase(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    private static async Task PushAsync(TestDevice d, DateTimeOffset ts, string fields) =>
        await d.Org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{{{fields}},"ts":{{ts.ToUnixTimeMilliseconds()}}}""").ExpectAsync(HttpStatusCode.OK);

    private static string Iso(DateTimeOffset t) => Uri.EscapeDataString(t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));

    private async Task<JsonArray> AggregateAsync(TestDevice d, string metric, string interval, DateTimeOffset from, DateTimeOffset to)
    {
        try
        {
            return (JsonArray)await d.Org.GetAsync($"devices/{d.Serial}/telemetry/aggregate?metric={metric}&interval={interval}&from={Iso(from)}&to={Iso(to)}");
        }
        catch (Xunit.Sdk.XunitException ex)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\nServer errors:\n" + string.Join("\n", Server.Errors.Entries.TakeLast(2)));
        }
    }

    private static void AssertBucket(JsonNode? bucket, DateTimeOffset ts, double avg, double min, double max, long count)
    {
        Assert.NotNull(bucket);
        Assert.Equal(ts, DateTimeOffset.Parse(bucket["ts"]!.GetValue<string>()));
        Assert.Equal(avg, bucket["avg"]!.GetValue<double>(), 9);
        Assert.Equal(min, bucket["min"]!.GetValue<double>(), 9);
        Assert.Equal(max, bucket["max"]!.GetValue<double>(), 9);
        Assert.Equal(count, bucket["count"]!.GetValue<long>());
    }

    private static DateTimeOffset FloorTo(DateTimeOffset t, TimeSpan unit) => new(t.UtcTicks - t.UtcTicks % unit.Ticks, TimeSpan.Zero);

    [Fact]
    public async Task OneMinuteBuckets_MatchHandComputedValues_IgnoringNonNumericAndOutOfRange()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var b = FloorTo(DateTimeOffset.UtcNow.AddMinutes(-30), TimeSpan.FromMinutes(5)); // aligned for the 5m check too

        await PushAsync(d, b.AddSeconds(-1), "\"temp\":1000");          // before 'from'
        await PushAsync(d, b.AddSeconds(1), "\"temp\":10");
        await PushAsync(d, b.AddSeconds(5), "\"temp\":\"hot\"");        // string: ignored
        await PushAsync(d, b.AddSeconds(6), "\"temp\":[true]");         // array: ignored
        await PushAsync(d, b.AddSeconds(7), "\"hum\":5");               // no temp
        await PushAsync(d, b.AddSeconds(20), "\"temp\":20,\"hum\":6");
        await PushAsync(d, b.AddMilliseconds(59_999), "\"temp\":31");
        await PushAsync(d, b.AddMinutes(1), "\"temp\":5");              // first instant of the next bucket
        await PushAsync(d, b.AddMilliseconds(180_500), "\"temp\":-1.5");
        await PushAsync(d, b.AddSeconds(200), "\"temp\":2.5");
        await PushAsync(d, b.AddMinutes(5), "\"temp\":-1000");          // at 'to': excluded

        var buckets = await AggregateAsync(d, "temp", "1m", b, b.AddMinutes(5));
        Assert.Equal(3, buckets.Count);
        AssertBucket(buckets[0], b, 61.0 / 3, 10, 31, 3);
        AssertBucket(buckets[1], b.AddMinutes(1), 5, 5, 5, 1);
        AssertBucket(buckets[2], b.AddMinutes(3), 0.5, -1.5, 2.5, 2);

        var five = await AggregateAsync(d, "temp", "5m", b, b.AddMinutes(5));
        AssertBucket(Assert.Single(five), b, 67.0 / 6, -1.5, 31, 6);

        var hum = await AggregateAsync(d, "hum", "1m", b, b.AddMinutes(5));
        AssertBucket(Assert.Single(hum), b, 5.5, 5, 6, 2);
    }

    [Fact]
    public async Task OneHourBuckets_MatchHandComputedValues()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var b = FloorTo(DateTimeOffset.UtcNow, TimeSpan.FromHours(1)).AddHours(-6);

        await PushAsync(d, b.AddMinutes(10), "\"co2\":800");
        await PushAsync(d, b.AddMinutes(50), "\"co2\":1000");
        await PushAsync(d, b.AddHours(1), "\"co2\":700");
        await PushAsync(d, b.AddHours(3).AddMinutes(59), "\"co2\":400");
        await PushAsync(d, b.AddHours(3).AddMinutes(1), "\"co2\":1600,\"relay\":true");
        await PushAsync(d, b.AddHours(3).AddMinutes(30), "\"co2\":\"n/a\"");

        var buckets = await AggregateAsync(d, "co2", "1h", b, b.AddHours(6));
        Assert.Equal(3, buckets.Count);
        AssertBucket(buckets[0], b, 900, 800, 1000, 2);
        AssertBucket(buckets[1], b.AddHours(1), 700, 700, 700, 1);
        AssertBucket(buckets[2], b.AddHours(3), 1000, 400, 1600, 2);

        var relay = Assert.Single(await AggregateAsync(d, "relay", "1h", b, b.AddHours(6)));
        AssertBucket(relay, b.AddHours(3), 1, 1, 1, 1); // a boolean counts as 1 (true) / 0 (false)
        Assert.Empty(await AggregateAsync(d, "nothing", "1h", b, b.AddHours(6)));
    }

    [Theory]
    [InlineData("interval=1h", "metric")]
    [InlineData("metric=bad-name&interval=1h", "metric")]
    [InlineData("metric=temp&interval=2m", "interval")]
    [InlineData("metric=temp&interval=1h&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    [InlineData("metric=temp&interval=1h&from=yesterday", "from")]
    [InlineData("metric=temp&interval=1m&from=2026-01-01T00:00:00Z&to=2026-01-31T00:00:00Z", "interval")]
    public async Task InvalidQuery_Is400NamingTheParameter(string query, string parameter)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var problem = await org.Http.GetAsync($"devices/{d.Serial}/telemetry/aggregate?{query}").ExpectAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["code"]);
        Assert.Contains(parameter, problem.ToJsonString());
    }

    [Fact]
    public async Task BooleanMetric_AverageIsTheShareOfTruePerBucket()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var b = FloorTo(DateTimeOffset.UtcNow, TimeSpan.FromHours(1)).AddHours(-3);
        // Hour 1: gps_fix true, true, false, true → 3/4; hour 2: false, false → 0; relay only once, true.
        await PushAsync(d, b.AddMinutes(1), "\"gps_fix\":true,\"relay\":true");
        await PushAsync(d, b.AddMinutes(2), "\"gps_fix\":true");
        await PushAsync(d, b.AddMinutes(3), "\"gps_fix\":false");
        await PushAsync(d, b.AddMinutes(59), "\"gps_fix\":true");
        await PushAsync(d, b.AddHours(1).AddMinutes(5), "\"gps_fix\":false");
        await PushAsync(d, b.AddHours(1).AddMinutes(6), "\"gps_fix\":false,\"relay\":\"on\"");

        var fix = await AggregateAsync(d, "gps_fix", "1h", b, b.AddHours(3));
        Assert.Equal(2, fix.Count);
        AssertBucket(fix[0], b, 0.75, 0, 1, 4);
        AssertBucket(fix[1], b.AddHours(1), 0, 0, 0, 2);
        var relay = Assert.Single(await AggregateAsync(d, "relay", "1h", b, b.AddHours(3))); // the string "on" is not counted
        AssertBucket(relay, b, 1, 1, 1, 1);
    }
}

[Collection(ServerCollection.Name)]
public sealed class AggregateTests(ServerFixture fixture) : AggregateTestsBase(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresAggregateTests(PostgresServerFixture fixture) : AggregateTestsBase(fixture);
