using EdgeConductor.Server.Rules;

namespace EdgeConductor.Platform.Tests.Rules;

/// <summary>Schedules in the org's time zone across DST changes (docs/rules.md "Schedules and DST").</summary>
public sealed class ScheduleCalendarTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static ScheduleCondition Daily(string time) =>
        new(time, int.Parse(time[..2]), int.Parse(time[3..]), RuleTypes.Days);

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, null, System.Globalization.DateTimeStyles.AssumeUniversal);

    [Theory]
    // Berlin spring forward 2027-03-28 (02:00 CET -> 03:00 CEST): 02:30 does not exist, fires at 03:30 CEST = 01:30Z.
    [InlineData("Europe/Berlin", "2027-03-28", "02:30", "2027-03-28T01:30:00Z")]
    // Berlin fall back 2027-10-31 (03:00 CEST -> 02:00 CET): 02:30 happens twice, fires at the first (CEST) = 00:30Z.
    [InlineData("Europe/Berlin", "2027-10-31", "02:30", "2027-10-31T00:30:00Z")]
    [InlineData("Europe/Berlin", "2027-07-01", "22:00", "2027-07-01T20:00:00Z")]
    [InlineData("Europe/Berlin", "2027-01-15", "22:00", "2027-01-15T21:00:00Z")]
    // New York spring forward 2027-03-14 (02:00 EST -> 03:00 EDT): 02:30 -> 03:30 EDT = 07:30Z.
    [InlineData("America/New_York", "2027-03-14", "02:30", "2027-03-14T07:30:00Z")]
    // New York fall back 2027-11-07 (02:00 EDT -> 01:00 EST): 01:30 happens twice, first is EDT = 05:30Z.
    [InlineData("America/New_York", "2027-11-07", "01:30", "2027-11-07T05:30:00Z")]
    public void Resolve_GivesTheDocumentedInstant(string zone, string date, string time, string expected)
    {
        var at = ScheduleCalendar.Resolve(DateOnly.Parse(date), int.Parse(time[..2]), int.Parse(time[3..]), TimeZoneInfo.FindSystemTimeZoneById(zone));
        Assert.Equal(Utc(expected), at);
    }

    [Theory]
    [InlineData("Europe/Berlin", "2027-10-30T12:00:00Z", "02:30")]
    [InlineData("Europe/Berlin", "2027-03-27T12:00:00Z", "02:30")]
    [InlineData("America/New_York", "2027-11-06T12:00:00Z", "01:30")]
    [InlineData("America/New_York", "2027-03-13T12:00:00Z", "02:30")]
    public void AcrossADstDay_EachDayHasExactlyOneInstant(string zone, string startIso, string time)
    {
        // Walk minute by minute over 48 h around the change: the set of "latest" instants seen is one per local day.
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var rule = Daily(time);
        var seen = new SortedSet<DateTimeOffset>();
        var start = Utc(startIso);
        for (var t = start; t < start.AddHours(48); t = t.AddMinutes(1))
            if (ScheduleCalendar.Latest(rule, tz, t) is { } at && at >= start) seen.Add(at);
        Assert.Equal(2, seen.Count);
        var days = seen.Select(s => TimeZoneInfo.ConvertTime(s, tz).Date).Distinct().Count();
        Assert.Equal(2, days);
    }

    [Fact]
    public void Days_SelectWeekdaysInTheOrgZone()
    {
        // Mon–Fri 22:00 in New York; Friday 2027-07-02 22:00 EDT = Saturday 02:00Z — still the Friday fire.
        var rule = new ScheduleCondition("22:00", 22, 0, ["mon", "tue", "wed", "thu", "fri"]);
        Assert.Equal(Utc("2027-07-03T02:00:00Z"), ScheduleCalendar.Latest(rule, NewYork, Utc("2027-07-03T02:00:00Z")));
        // The next one after it is Monday 2027-07-05 22:00 EDT, skipping the weekend.
        Assert.Equal(Utc("2027-07-06T02:00:00Z"), ScheduleCalendar.Next(rule, NewYork, Utc("2027-07-03T02:00:00Z")));
        // Saturday in Berlin: nothing on that day; the latest is Friday's.
        Assert.Equal(Utc("2027-07-02T20:00:00Z"), ScheduleCalendar.Latest(rule, Berlin, Utc("2027-07-03T21:00:00Z")));
    }
}
