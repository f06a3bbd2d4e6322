using System.Collections.Concurrent;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Devices;

namespace EdgeConductor.Server.Tenancy;

/// <summary>
/// Rights of long-lived receivers (MQTT sessions, SSE streams) decided when each message is delivered, not when the
/// receiver subscribed. Holds the one shared cache this needs — the current owner (org, room, tenant) of each device
/// serial, stamped with the <see cref="AccessEpoch"/> it was loaded at — and makes a <see cref="LiveRights"/> per
/// receiver. Isolation itself stays in <see cref="AccessScope"/> (<see cref="AccessScope.CanSeeDevice"/>).
/// A cached owner is used only while the epoch is unchanged; any credential or ownership change bumps the epoch, so
/// the next delivery re-reads the row. Lookups by serial take a span, so the hot path allocates nothing.
/// </summary>
public sealed class LiveAccess
{
    /// <summary>Above this many cached serials the cache starts over (memory bound; entries reload on demand).</summary>
    public const int MaxCachedDevices = 100_000;

    private readonly DeviceStore _devices;
    private readonly OrgStore _orgs;
    private readonly ConcurrentDictionary<string, DeviceOwner> _owners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeviceOwner>.AlternateLookup<ReadOnlySpan<char>> _ownersBySpan;

    public LiveAccess(AccessEpoch epoch, DeviceStore devices, OrgStore orgs, CallerValidator validator)
    {
        Epoch = epoch;
        Validator = validator;
        _devices = devices;
        _orgs = orgs;
        _ownersBySpan = _owners.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public AccessEpoch Epoch { get; }

    internal CallerValidator Validator { get; }

    /// <summary>The cached owner of <paramref name="serial"/> if it was loaded at epoch <paramref name="epoch"/>; no allocation.</summary>
    public bool TryGetOwner(ReadOnlySpan<char> serial, long epoch, out DeviceOwner owner)
    {
        if (_ownersBySpan.TryGetValue(serial, out owner!) && owner.Epoch == epoch) return true;
        owner = null!;
        return false;
    }

    /// <summary>The owner of <paramref name="serial"/> now: from the cache when current, else from the database.</summary>
    public async ValueTask<DeviceOwner> GetOwnerAsync(string serial, CancellationToken ct)
    {
        var epoch = Epoch.Current;
        if (TryGetOwner(serial, epoch, out var cached)) return cached;
        var row = await _devices.FindForDeviceAuthAsync(serial, ct);
        if (row is null)
        {
            // Never cached: registering a device bumps no epoch, so a cached "does not exist" would outlive the
            // registration and lock the new device (and its org's subscribers) out until some unrelated change. Anyone
            // could plant it by naming a serial before it is registered.
            return new DeviceOwner(false, "", null, null, null, epoch);
        }

        var owner = new DeviceOwner(true, row.Id, row.OrgId, row.RoomId, row.TenantId, epoch);
        if (_owners.Count >= MaxCachedDevices) _owners.Clear();
        _owners[serial] = owner;
        return owner;
    }

    /// <summary>The scope <paramref name="caller"/> has now (a partner's org list is read again).</summary>
    internal ValueTask<AccessScope> ScopeAsync(Caller caller, CancellationToken ct) => _orgs.ScopeForAsync(caller, ct);

    /// <summary>Rights of a user or API key (SSE stream, MQTT service client) whose request already passed authentication.</summary>
    public LiveRights ForCaller(Caller caller, AccessScope scope) => LiveRights.ForCaller(this, caller, scope);

    /// <summary>Rights of a device's own connection: only its own serial, while it still exists in <paramref name="orgId"/>.</summary>
    public LiveRights ForDevice(string serial, string? orgId) => LiveRights.ForDevice(this, serial, orgId);

    /// <summary>Rights of an anonymous sandbox client: no device at all.</summary>
    public LiveRights ForAnonymous() => LiveRights.ForAnonymous(this);
}
