using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Telemetry;

namespace EdgeConductor.Server.Rules;

/// <summary>
/// Evaluates threshold rules in the telemetry stream. As an <see cref="ITelemetryObserver"/> it only queues each committed
/// reading (a bounded channel; when full a reading is dropped from evaluation and counted, ingest never waits); the
/// background loop checks each reading against its org's enabled threshold rules for the fields it carries and moves the
/// per-(rule, device) state machine <c>ok → (pending) → firing → ok</c>. Actions run on the transition into firing, not on
/// every matching message. Every transition is a compare-and-set in <c>rule_device_state</c>, so state survives restarts
/// and two instances on one PostgreSQL never both fire. A sweep every <see cref="RulesOptions.Tick"/> fires pending states
/// whose <c>for_seconds</c> has passed without a contrary reading (also those left pending by a previous run).
/// </summary>
public sealed class ThresholdEngine(RuleStore store, RuleActions actions, DeviceStore devices, RulesOptions options,
    TimeProvider clock, ILogger<ThresholdEngine> log) : BackgroundService, ITelemetryObserver
{
    private sealed class OrgRules
    {
        public Dictionary<string, ThresholdIndex> ByField { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> Versions { get; } = new(StringComparer.Ordinal);
        public long LoadedAt { get; init; }
    }

    private sealed record DeviceAttrs(string ProductType, string? RoomId, string[] Tags, long FetchedAt);

    private static readonly object Sweep = new();
    private readonly Channel<object> _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(options.QueueCapacity)
    {
        SingleReader = true, FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, OrgRules> _orgs = new();
    private readonly RuleStateCache _states = new();
    private readonly List<int> _matches = [];
    private readonly HashSet<string> _statesLoaded = [];
    private readonly Dictionary<string, DeviceAttrs> _devices = new();
    private long _dropped;

    /// <summary>Readings dropped from evaluation because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Forget the cached rules of <paramref name="orgId"/> (a rule was created, changed or deleted here).</summary>
    public void Invalidate(string orgId) => _orgs.TryRemove(orgId, out _);

    /// <inheritdoc />
    public ValueTask OnCommittedAsync(IReadOnlyList<CommittedReading> readings, CancellationToken ct)
    {
        foreach (var r in readings)
        {
            if (r.Device.OrgId is null) continue;
            if (!_queue.Writer.TryWrite(r) && Interlocked.Increment(ref _dropped) % 1000 == 1)
                log.LogWarning("Rules: evaluation queue full ({Capacity}); {Dropped} readings dropped from rule evaluation so far", options.QueueCapacity, Dropped);
        }
        return ValueTask.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = TickAsync(stoppingToken);
        await foreach (var item in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (ReferenceEquals(item, Sweep))
                {
                    Volatile.Write(ref _sweepPending, 0);
                    await SweepAsync(stoppingToken);
                }
                else await EvaluateAsync((CommittedReading)item, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Rules: evaluation failed");
            }
        }
    }

    private int _sweepPending;

    private async Task TickAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.Tick, clock);
        try
        {
            // At most one sweep waits in the queue: a clock moved by hours (tests, a suspended VM) must not queue one per tick.
            while (await timer.WaitForNextTickAsync(ct))
                if (Interlocked.Exchange(ref _sweepPending, 1) == 0) _queue.Writer.TryWrite(Sweep);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private async Task EvaluateAsync(CommittedReading r, CancellationToken ct)
    {
        var org = await RulesForAsync(r.Device.OrgId!, ct);
        if (org.ByField.Count == 0) return;
        foreach (var (field, value) in r.Readings)
        {
            if (!org.ByField.TryGetValue(field, out var index)) continue;
            // Only two kinds of rule can move on this reading: those whose condition holds (found through the index), and
            // those the device is pending or firing in (a contrary reading moves them back to ok). A rule in neither
            // (ok, condition false) would not change, so it is not visited: with 1,000 rules a reading costs a binary
            // search, not 1,000 comparisons (bench/rules).
            var number = ThresholdEvaluator.Number(value);
            _matches.Clear();
            index.Matching(value, number, _matches);
            _matches.Sort(); // the org's rule order, as before
            var holding = _matches.ToArray();
            foreach (var i in holding)
                await StepInScopeAsync(index.Rules[i], r, value, ct);
            if (!_states.HasActive(r.Device.Id)) continue;
            foreach (var st in _states.ForDevice(r.Device.Id).Where(s => s.State != RuleDeviceState.Ok).ToList())
            {
                if (!index.ById.TryGetValue(st.RuleId, out var rule)) continue; // another field's rule
                if (ThresholdEvaluator.Holds(rule.Threshold!, value) == true) continue; // already stepped above
                await StepInScopeAsync(rule, r, value, ct);
            }
        }
    }

    private async Task StepInScopeAsync(Rule rule, CommittedReading r, JsonNode? value, CancellationToken ct)
    {
        if (!rule.Scope.IsAll && !await InScopeAsync(rule.Scope, r.Device, ct)) return;
        await StepAsync(rule, r.Device, value, r.ReceivedAt, retry: true, ct);
    }

    /// <summary>One reading through one rule's state machine for one device.</summary>
    private async Task StepAsync(Rule rule, DeviceRef device, JsonNode? value, long receivedAt, bool retry, CancellationToken ct)
    {
        var t = rule.Threshold!;
        var st = _states.Get(rule.Id, device.Id) ?? Fresh(rule.Id, device);
        var num = ThresholdEvaluator.Number(value);
        bool? moved = null;
        switch (st.State)
        {
            case RuleDeviceState.Pending:
                var stillHolds = ThresholdEvaluator.Holds(t, value);
                if (stillHolds == false) moved = await TransitionAsync(st, RuleDeviceState.Ok, receivedAt, null, num, ct);
                else if (stillHolds == true && receivedAt >= st.DueAt) moved = await TryFireAsync(rule, device, st, num, value, ct);
                break;
            case RuleDeviceState.Firing:
                if (ThresholdEvaluator.Clears(t, value) == true)
                {
                    moved = await TransitionAsync(st, RuleDeviceState.Ok, receivedAt, null, num, ct);
                    if (moved == true) await actions.ClearAsync(rule, device, ct);
                }
                break;
            default:
                if (ThresholdEvaluator.Holds(t, value) != true) break;
                moved = t.ForSeconds > 0
                    ? await TransitionAsync(st, RuleDeviceState.Pending, receivedAt, receivedAt + t.ForSeconds * 1000L, num, ct)
                    : await TryFireAsync(rule, device, st, num, value, ct);
                break;
        }
        // Another instance moved this state first: evaluate once more against the state it wrote.
        if (moved == false && retry) await StepAsync(rule, device, value, receivedAt, retry: false, ct);
    }

    private async Task<bool> TryFireAsync(Rule rule, DeviceRef device, RuleDeviceState st, double? num, JsonNode? value, CancellationToken ct)
    {
        var now = clock.Ms();
        if (rule.LoopRisk && st.LastFired is { } last && now - last < (long)options.LoopGuardInterval.TotalMilliseconds)
        {
            var held = st.Copy();
            held.Suppressed++;
            held.LastValue = num;
            if (!await WriteAsync(st, held, ct)) return false;
            await actions.RecordErrorAsync(rule, $"loop guard: the action writes '{rule.Threshold!.Field}', which the rule reads; " +
                $"a fire for {device.Serial} was held back (at most one per {options.LoopGuardInterval.TotalSeconds:0} s per device)");
            return true;
        }
        var next = st.Copy();
        next.State = RuleDeviceState.Firing;
        next.Since = now;
        next.DueAt = null;
        next.LastFired = now;
        next.LastValue = num;
        if (!await WriteAsync(st, next, ct)) return false;
        var t = rule.Threshold!;
        await actions.FireAsync(rule, device, now, new { field = t.Field, op = t.Op, threshold = t.Value, value }, ct);
        return true;
    }

    private Task<bool> TransitionAsync(RuleDeviceState st, string state, long since, long? dueAt, double? num, CancellationToken ct)
    {
        var next = st.Copy();
        next.State = state;
        next.Since = since;
        next.DueAt = dueAt;
        next.LastValue = num;
        return WriteAsync(st, next, ct);
    }

    /// <summary>Compare-and-set; on a lost race the cache takes the stored row.</summary>
    private async Task<bool> WriteAsync(RuleDeviceState current, RuleDeviceState next, CancellationToken ct)
    {
        next.Version = current.Version + 1;
        next.UpdatedAt = clock.Ms();
        if (await store.TryWriteStateAsync(next, current.Version, ct))
        {
            _states.Set(next);
            return true;
        }
        var stored = await store.StateAsync(current.RuleId, current.DeviceId, ct);
        _states.Set(stored ?? Fresh(current.RuleId, new DeviceRef(current.DeviceId, current.SerialNo, null)));
        return false;
    }

    /// <summary>Fires pending states whose for_seconds has passed (any org; the CAS decides between instances).</summary>
    private async Task SweepAsync(CancellationToken ct)
    {
        var due = await store.DuePendingAsync(clock.Ms(), ct);
        foreach (var row in due)
        {
            var rec = await store.FindAsync(row.RuleId, ct);
            if (rec is null || rec.Enabled != 1 || rec.RuleType != RuleTypes.Threshold) continue;
            var rule = RuleParser.Read(rec);
            var device = new DeviceRef(row.DeviceId, row.SerialNo, rule.OrgId);
            if (await TryFireAsync(rule, device, row, row.LastValue, row.LastValue is { } v ? JsonValue.Create(v) : null, ct)) continue;
        }
    }

    private async ValueTask<OrgRules> RulesForAsync(string orgId, CancellationToken ct)
    {
        var now = clock.Ms();
        if (_orgs.TryGetValue(orgId, out var cached) && now - cached.LoadedAt < (long)options.CacheTtl.TotalMilliseconds) return cached;
        var org = new OrgRules { LoadedAt = now };
        var byField = new Dictionary<string, List<Rule>>(StringComparer.Ordinal);
        foreach (var rec in await store.EnabledAsync(orgId, RuleTypes.Threshold, ct))
        {
            Rule rule;
            try
            {
                rule = RuleParser.Read(rec);
            }
            catch (Errors.ApiException ex)
            {
                log.LogWarning("Rules: rule {RuleId} cannot be read: {Error}", rec.Id, ex.Message);
                continue;
            }
            if (!byField.TryGetValue(rule.Threshold!.Field, out var list)) byField[rule.Threshold.Field] = list = [];
            list.Add(rule);
            org.Versions[rule.Id] = rec.UpdatedAt;
        }
        foreach (var (field, rules) in byField) org.ByField[field] = new ThresholdIndex(rules);
        var changed = cached is null || cached.Versions.Count != org.Versions.Count
            || org.Versions.Any(v => !cached.Versions.TryGetValue(v.Key, out var u) || u != v.Value);
        if (!_statesLoaded.Contains(orgId) || changed)
        {
            if (cached is not null) _states.RemoveRules(cached.Versions.Keys);
            foreach (var s in await store.StatesForOrgAsync(orgId, ct)) _states.Set(s);
            _statesLoaded.Add(orgId);
        }
        _orgs[orgId] = org;
        return org;
    }

    private async ValueTask<bool> InScopeAsync(RuleScope scope, DeviceRef device, CancellationToken ct)
    {
        var now = clock.Ms();
        if (!_devices.TryGetValue(device.Id, out var a) || now - a.FetchedAt > 30_000)
        {
            var rec = await devices.FindForDeviceAuthAsync(device.Serial, ct);
            if (rec is null) return false;
            a = new DeviceAttrs(rec.ProductType, rec.RoomId, ReadTags(rec.Tags), now);
            if (_devices.Count > 100_000) _devices.Clear();
            _devices[device.Id] = a;
        }
        return scope.Contains(device.Serial, a.ProductType, a.RoomId, a.Tags);
    }

    /// <summary>devices.tags: a JSON array of strings.</summary>
    internal static string[] ReadTags(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<string[]>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static RuleDeviceState Fresh(string ruleId, DeviceRef device) =>
        new() { RuleId = ruleId, DeviceId = device.Id, SerialNo = device.Serial, State = RuleDeviceState.Ok, Version = 0 };
}
