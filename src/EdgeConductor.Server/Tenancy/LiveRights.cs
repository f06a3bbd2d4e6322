using EdgeConductor.Server.Auth;

namespace EdgeConductor.Server.Tenancy;

/// <summary>
/// What one long-lived receiver (an MQTT connection or an SSE stream) may read, re-decided per message against its
/// current rights. The credential is re-validated once per <see cref="AccessEpoch"/> value (<see cref="IsCurrentAsync"/>);
/// once it fails the rights are revoked for good (<see cref="IsRevoked"/>) and the owner closes the receiver.
/// <see cref="TryMayReadDevice"/> is the synchronous, allocation-free fast path (credential checked at this epoch and the
/// device's owner cached at this epoch); <see cref="MayReadDeviceAsync"/> is the slow path that fills those caches.
/// Thread-safe: MQTT reads it from a connection's read and output loops at once.
/// </summary>
public sealed class LiveRights
{
    private readonly LiveAccess _access;
    private readonly Caller? _caller;
    private readonly string? _deviceSerial;
    private readonly string? _deviceOrgId;
    private readonly bool _anonymous;
    private AccessScope? _scope;
    private long _checkedEpoch;
    private volatile bool _revoked;

    private LiveRights(LiveAccess access, Caller? caller, AccessScope? scope, string? deviceSerial, string? deviceOrgId, bool anonymous, long epoch)
    {
        _access = access;
        _caller = caller;
        _scope = scope;
        _deviceSerial = deviceSerial;
        _deviceOrgId = deviceOrgId;
        _anonymous = anonymous;
        _checkedEpoch = epoch;
    }

    // Every credential is checked again on first use (-1: never checked): a change may have landed since it authenticated.
    internal static LiveRights ForCaller(LiveAccess access, Caller caller, AccessScope scope) =>
        new(access, caller, scope, null, null, false, -1);

    internal static LiveRights ForDevice(LiveAccess access, string serial, string? orgId) =>
        new(access, null, null, serial, orgId, false, -1);

    internal static LiveRights ForAnonymous(LiveAccess access) => new(access, null, null, null, null, true, -1);

    /// <summary>True once the credential was found revoked, deleted, disabled or changed; never goes back to false.</summary>
    public bool IsRevoked => _revoked;

    /// <summary>True when the rights were last validated at an older epoch (a change happened since).</summary>
    public bool IsStale => !_revoked && Volatile.Read(ref _checkedEpoch) != _access.Epoch.Current;

    /// <summary>
    /// Fast path: true when the answer is known without I/O, with <paramref name="allowed"/> set. False means "ask
    /// <see cref="MayReadDeviceAsync"/>" (the epoch moved or the device's owner is not cached).
    /// </summary>
    public bool TryMayReadDevice(ReadOnlySpan<char> serial, out bool allowed)
    {
        allowed = false;
        if (_revoked || _anonymous) return true;
        if (_deviceSerial is not null && !serial.SequenceEqual(_deviceSerial)) return true;
        var epoch = _access.Epoch.Current;
        if (Volatile.Read(ref _checkedEpoch) != epoch || !_access.TryGetOwner(serial, epoch, out var owner)) return false;
        allowed = Decide(owner);
        return true;
    }

    /// <summary>May this receiver read (or, for MQTT, act for) the device <paramref name="serial"/> now?</summary>
    public async ValueTask<bool> MayReadDeviceAsync(string serial, CancellationToken ct)
    {
        if (TryMayReadDevice(serial, out var allowed)) return allowed;
        if (!await IsCurrentAsync(ct)) return false;
        return Decide(await _access.GetOwnerAsync(serial, ct));
    }

    /// <summary>
    /// May this receiver read org-level events of <paramref name="orgId"/> (the notification bell) now? Only a user or API
    /// key whose current scope sees the whole org as a manager (the roles that read the bell), with a current credential.
    /// </summary>
    public async ValueTask<bool> MayReadOrgAsync(string orgId, CancellationToken ct)
    {
        if (_caller is null || !_caller.IsManager || !await IsCurrentAsync(ct)) return false;
        return Volatile.Read(ref _scope) is { } scope && scope.CanSeeOrg(orgId);
    }

    /// <summary>
    /// Re-validates the credential if the epoch moved since the last check (API key not revoked, user unchanged and
    /// enabled per <see cref="CallerValidator"/>; a device still registered in the same org). False = revoked for good.
    /// </summary>
    public async ValueTask<bool> IsCurrentAsync(CancellationToken ct)
    {
        if (_revoked) return false;
        var epoch = _access.Epoch.Current;
        if (Volatile.Read(ref _checkedEpoch) == epoch) return true;
        var ok = true;
        if (_caller is not null)
        {
            ok = await _access.Validator.IsCurrentAsync(_caller, ct);
            if (ok) Volatile.Write(ref _scope, await _access.ScopeAsync(_caller, ct));
        }
        else if (_deviceSerial is not null)
        {
            var owner = await _access.GetOwnerAsync(_deviceSerial, ct);
            ok = owner.Exists && owner.OrgId == _deviceOrgId;
        }

        if (!ok)
        {
            _revoked = true;
            return false;
        }

        // Only move forward: a slower check that started at an older epoch must not overwrite a newer one.
        var seen = Volatile.Read(ref _checkedEpoch);
        while (seen < epoch)
        {
            var was = Interlocked.CompareExchange(ref _checkedEpoch, epoch, seen);
            if (was == seen) break;
            seen = was;
        }

        return !_revoked;
    }

    /// <summary>Marks the rights revoked (the owner learned it another way, e.g. a refused publish).</summary>
    public void Revoke() => _revoked = true;

    private bool Decide(DeviceOwner owner)
    {
        if (!owner.Exists || _revoked) return false;
        if (_deviceSerial is not null) return owner.OrgId == _deviceOrgId;
        return Volatile.Read(ref _scope) is { } scope && scope.CanSeeDevice(owner.OrgId, owner.RoomId, owner.TenantId);
    }
}
