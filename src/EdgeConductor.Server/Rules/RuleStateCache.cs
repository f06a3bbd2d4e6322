namespace EdgeConductor.Server.Rules;

/// <summary>
/// The threshold engine's in-memory copy of <c>rule_device_state</c> rows, grouped by device so that a reading looks its
/// device up once and then only visits the rules that device is pending or firing in. The database stays the truth:
/// every entry is a row as last written or read (its version is the compare-and-set token). Single-threaded (the
/// engine's evaluation loop owns it).
/// </summary>
public sealed class RuleStateCache
{
    private readonly Dictionary<string, Dictionary<string, RuleDeviceState>> _byDevice = new(StringComparer.Ordinal);

    /// <summary>The cached state of (<paramref name="ruleId"/>, <paramref name="deviceId"/>), or null (= ok, never written).</summary>
    public RuleDeviceState? Get(string ruleId, string deviceId) =>
        _byDevice.TryGetValue(deviceId, out var rules) && rules.TryGetValue(ruleId, out var s) ? s : null;

    /// <summary>Stores <paramref name="state"/> as the row of its (rule, device).</summary>
    public void Set(RuleDeviceState state)
    {
        if (!_byDevice.TryGetValue(state.DeviceId, out var rules)) _byDevice[state.DeviceId] = rules = new(StringComparer.Ordinal);
        rules[state.RuleId] = state;
    }

    /// <summary>The device's cached states (any state); empty when it has none.</summary>
    public IEnumerable<RuleDeviceState> ForDevice(string deviceId) =>
        _byDevice.TryGetValue(deviceId, out var rules) ? rules.Values : [];

    /// <summary>Whether the device has any cached state that is not ok (pending or firing).</summary>
    public bool HasActive(string deviceId) =>
        _byDevice.TryGetValue(deviceId, out var rules) && rules.Values.Any(s => s.State != RuleDeviceState.Ok);

    /// <summary>Forgets every cached state of the rules in <paramref name="ruleIds"/> (their definitions changed).</summary>
    public void RemoveRules(IReadOnlyCollection<string> ruleIds)
    {
        if (ruleIds.Count == 0) return;
        var set = ruleIds as ISet<string> ?? new HashSet<string>(ruleIds, StringComparer.Ordinal);
        foreach (var (device, rules) in _byDevice.ToList())
        {
            foreach (var id in rules.Keys.Where(set.Contains).ToList()) rules.Remove(id);
            if (rules.Count == 0) _byDevice.Remove(device);
        }
    }
}
