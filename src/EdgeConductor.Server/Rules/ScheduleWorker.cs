using EdgeConductor.Server.Common;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Rules;

/// <summary>
/// Runs schedule rules. Every <see cref="RulesOptions.Tick"/> it finds, per enabled schedule rule, the newest scheduled
/// instant at or before now in the org's time zone (<see cref="ScheduleCalendar"/>) and, unless already decided, inserts
/// the idempotency key (rule, instant) into <c>rule_fires</c>: the one instance whose insert wins decides it —
/// <list type="bullet">
/// <item><c>missed</c> when it is later than <see cref="RulesOptions.MissedFireGrace"/> (the server was down);</item>
/// <item><c>debounced</c> when the rule fired less than 90 s (seed 001) before it;</item>
/// <item>otherwise <c>claimed</c>, the action runs on every device in scope, then <c>fired</c>.</item>
/// </list>
/// A claim whose instance died before finishing is taken over after <see cref="RulesOptions.ClaimLease"/> while still
/// within the grace period. Instants before the rule's <c>schedule_since</c> (creation, schedule change, re-enabling) never fire.
/// </summary>
public sealed class ScheduleWorker(RuleStore store, RuleActions actions, DeviceStore devices, OrgStore orgs, RulesOptions options,
    TimeProvider clock, ILogger<ScheduleWorker> log) : BackgroundService
{
    public const string Claimed = "claimed";
    public const string Fired = "fired";
    public const string Missed = "missed";
    public const string Debounced = "debounced";

    private readonly HashSet<(string Rule, long Instant)> _decided = [];
    private readonly Dictionary<string, (TimeZoneInfo Tz, long FetchedAt)> _zones = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Tick, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Rules: schedule pass failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over every enabled schedule rule (public so tests and benchmarks can drive it).</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        foreach (var rec in await store.EnabledSchedulesAsync(ct))
        {
            var rule = RuleParser.Read(rec);
            var instant = ScheduleCalendar.Latest(rule.Schedule!, await ZoneAsync(rule.OrgId, nowMs, ct), now);
            if (instant is null) continue;
            var at = instant.Value.ToUnixTimeMilliseconds();
            if (at < rec.ScheduleSince || _decided.Contains((rule.Id, at))) continue;
            var status = nowMs - at > (long)options.MissedFireGrace.TotalMilliseconds ? Missed
                : rec.LastFired is { } last && at - last < (long)options.ScheduleDebounce.TotalMilliseconds ? Debounced
                : Claimed;
            var won = await store.TryClaimInstantAsync(rule.Id, at, status, nowMs, ct);
            Remember(rule.Id, at);
            if (!won) continue;
            if (status == Claimed) await FireAsync(rule, at, ct);
            else log.LogInformation("Rules: schedule rule {RuleId} instant {Instant} {Status}", rule.Id, Times.Iso(at), status);
        }
        await TakeOverStaleClaimsAsync(nowMs, ct);
    }

    private async Task TakeOverStaleClaimsAsync(long nowMs, CancellationToken ct)
    {
        var stale = await store.StaleClaimsAsync(nowMs - (long)options.ClaimLease.TotalMilliseconds,
            nowMs - (long)options.MissedFireGrace.TotalMilliseconds, ct);
        foreach (var row in stale)
        {
            var rec = await store.FindAsync(row.RuleId, ct);
            if (rec is null || rec.Enabled != 1 || !await store.TryRetakeAsync(row, nowMs, ct)) continue;
            log.LogWarning("Rules: taking over the unfinished fire of rule {RuleId} at {Instant}", row.RuleId, Times.Iso(row.Instant));
            await FireAsync(RuleParser.Read(rec), row.Instant, ct);
        }
    }

    private async Task FireAsync(Rule rule, long instant, CancellationToken ct)
    {
        var n = 0;
        var now = clock.Ms();
        foreach (var d in await DevicesInScopeAsync(devices, rule, ct))
            if (await actions.FireAsync(rule, new DeviceRef(d.Id, d.SerialNo, d.OrgId), now, new { scheduled_for = Times.Iso(instant) }, ct)) n++;
        await store.FinishInstantAsync(rule.Id, instant, n, clock.Ms(), ct);
    }

    /// <summary>Every device of the rule's org that its scope selects.</summary>
    public static async Task<IReadOnlyList<DeviceRecord>> DevicesInScopeAsync(DeviceStore devices, Rule rule, CancellationToken ct)
    {
        var result = new List<DeviceRecord>();
        var filter = new DeviceFilter(rule.OrgId, null, rule.Scope.RoomId, rule.Scope.ProductType, null);
        for (var offset = 0; ; offset += 1000)
        {
            var (items, _) = await devices.ListAsync(AccessScope.Everything, filter, new Paging(1000, offset), ct);
            result.AddRange(items.Where(d => rule.Scope.Contains(d.SerialNo, d.ProductType, d.RoomId, ThresholdEngine.ReadTags(d.Tags))));
            if (items.Count < 1000) return result;
        }
    }

    private async ValueTask<TimeZoneInfo> ZoneAsync(string orgId, long nowMs, CancellationToken ct)
    {
        if (_zones.TryGetValue(orgId, out var z) && nowMs - z.FetchedAt < 10_000) return z.Tz;
        var tz = OrgTimeZone.Resolve((await orgs.FindAsync(orgId, ct))?.Timezone);
        _zones[orgId] = (tz, nowMs);
        return tz;
    }

    private void Remember(string ruleId, long at)
    {
        if (_decided.Count > 100_000) _decided.Clear();
        _decided.Add((ruleId, at));
    }
}
