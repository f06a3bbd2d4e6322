using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Telemetry;

/// <summary>
/// The <c>ts</c> rule (docs/telemetry.md "Timestamps"): a number is Unix seconds below 10^11 and Unix milliseconds from
/// there on; a string must be an RFC 3339 / ISO-8601 date-time with a zone. Each accepted form is stored at exactly the
/// instant it names; refused forms are in <see cref="BadPayloadTests.Cases"/> (ts-time-only, ts-us-date, …).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class TimestampTests(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    /// <summary>An instant 2 hours ago on a whole second, so every form below can name it exactly.</summary>
    private static readonly DateTimeOffset T = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds());

    public static TheoryData<string, long> AcceptedForms()
    {
        var s = T.ToUnixTimeSeconds();
        var ms = T.ToUnixTimeMilliseconds();
        return new TheoryData<string, long>
        {
            { s.ToString(CultureInfo.InvariantCulture), ms },                                      // seconds
            { s.ToString(CultureInfo.InvariantCulture) + ".25", ms + 250 },                        // fractional seconds
            { (ms + 7).ToString(CultureInfo.InvariantCulture), ms + 7 },                          // milliseconds
            { $"\"{T.UtcDateTime:yyyy-MM-ddTHH:mm:ss}Z\"", ms },                                  // RFC 3339, Z
            { $"\"{T.UtcDateTime:yyyy-MM-ddTHH:mm:ss}z\"", ms },                                  // lower-case z
            { $"\"{T.UtcDateTime:yyyy-MM-ddTHH:mm:ss}.123Z\"", ms + 123 },                         // fraction
            { $"\"{T.ToOffset(TimeSpan.FromHours(2)):yyyy-MM-ddTHH:mm:ss}+02:00\"", ms },          // offset
            { $"\"{T.ToOffset(TimeSpan.FromHours(-5.5)):yyyy-MM-ddTHH:mm:ss}-0530\"", ms },        // offset without colon
            { $"\"{T.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z\"", ms },                                  // space separator (RFC 3339 §5.6 note)
        };
    }

    [Theory]
    [MemberData(nameof(AcceptedForms))]
    public async Task AcceptedForm_IsStoredAtTheInstantItNames(string ts, long expectedMs)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var answer = await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"temp":1,"ts":{{ts}}}""").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(expectedMs, DateTimeOffset.Parse(answer["ts"]!.GetValue<string>(), CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
        var stored = Assert.Single((JsonArray)await org.GetAsync($"devices/{d.Serial}/telemetry/recent"));
        Assert.Equal(expectedMs, DateTimeOffset.Parse(stored!["ts"]!.GetValue<string>(), CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task FourMinutesAhead_IsAccepted_SixMinutesAhead_IsNot()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var now = Server.ServerClock.GetUtcNow();
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"temp":1,"ts":{{now.AddMinutes(4).ToUnixTimeMilliseconds()}}}""").ExpectAsync(HttpStatusCode.OK);
        var problem = await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"temp":1,"ts":{{now.AddMinutes(6).ToUnixTimeMilliseconds()}}}""")
            .ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("5 minutes in the future", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReadingsOlderThanTheOrgsRetention_AreRefused_NamingTheReading_WithinIt_Accepted()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var now = Server.ServerClock.GetUtcNow();
        var eightDays = now.AddDays(-8).ToUnixTimeMilliseconds();
        var one = await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"n":1,"ts":{{eightDays}}}""").ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("ts is older than the telemetry retention of 7 day(s)", one["detail"]!.GetValue<string>());
        var array = await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry",
            $$"""[{"n":2,"ts":{{now.AddDays(-6).ToUnixTimeMilliseconds()}}},{"n":3,"ts":{{eightDays}}}]""").ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("reading [1]: ts is older than the telemetry retention", array["detail"]!.GetValue<string>());
        Assert.Empty((JsonArray)await org.GetAsync($"devices/{d.Serial}/telemetry/recent"));

        using var admin = await TestOrg.AdminAsync(Server);
        await admin.PatchRawAsync($"orgs/{org.Id}", """{"telemetry_retention_days":30}""").ExpectAsync(HttpStatusCode.OK);
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"n":1,"ts":{{eightDays}}}""").ExpectAsync(HttpStatusCode.OK);
    }
}
