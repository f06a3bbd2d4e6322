namespace EdgeConductor.Server.Rules;

/// <summary>
/// When a schedule rule's local "HH:MM" on its days happens, as UTC instants, in the org's time zone. DST rules
/// (docs/rules.md "Schedules and DST"):
/// <list type="bullet">
/// <item>Spring forward (the local time does not exist, e.g. 02:30 on 2027-03-28 in Europe/Berlin): the rule fires once,
/// at the same distance after the start of the gap, read with the offset before the change (02:30 CET = 03:30 CEST).</item>
/// <item>Fall back (the local time happens twice, e.g. 02:30 on 2027-10-31 in Europe/Berlin): the rule fires once, at the
/// first occurrence (the daylight-saving one).</item>
/// </list>
/// Each local date yields at most one instant, so a rule fires at most once per scheduled day.
/// </summary>
public static class ScheduleCalendar
{
    /// <summary>The UTC instant of local <paramref name="date"/> at <paramref name="hour"/>:<paramref name="minute"/> in <paramref name="tz"/>.</summary>
    public static DateTimeOffset Resolve(DateOnly date, int hour, int minute, TimeZoneInfo tz)
    {
        var local = date.ToDateTime(new TimeOnly(hour, minute), DateTimeKind.Unspecified);
        TimeSpan offset;
        if (tz.IsInvalidTime(local)) offset = tz.GetUtcOffset(local.AddHours(-12)); // the offset in force before the gap
        else if (tz.IsAmbiguousTime(local)) offset = tz.GetAmbiguousTimeOffsets(local).Max(); // larger offset = earlier instant
        else offset = tz.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The newest scheduled instant at or before <paramref name="now"/> (looking back up to 8 days), or null.</summary>
    public static DateTimeOffset? Latest(ScheduleCondition s, TimeZoneInfo tz, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, tz).DateTime);
        for (var i = -1; i <= 8; i++) // from tomorrow: around a DST change the local date can lag the instant
        {
            var date = today.AddDays(-i);
            if (!s.RunsOn(date.DayOfWeek)) continue;
            var at = Resolve(date, s.Hour, s.Minute, tz);
            if (at <= now) return at;
        }
        return null;
    }

    /// <summary>The first scheduled instant strictly after <paramref name="now"/>.</summary>
    public static DateTimeOffset? Next(ScheduleCondition s, TimeZoneInfo tz, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, tz).DateTime);
        for (var i = -1; i <= 8; i++)
        {
            var date = today.AddDays(i);
            if (!s.RunsOn(date.DayOfWeek)) continue;
            var at = Resolve(date, s.Hour, s.Minute, tz);
            if (at > now) return at;
        }
        return null;
    }
}
