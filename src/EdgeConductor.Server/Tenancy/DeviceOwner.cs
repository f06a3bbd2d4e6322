namespace EdgeConductor.Server.Tenancy;

/// <summary>
/// Who a device belongs to right now, as <see cref="LiveAccess"/> caches it: valid only while
/// <see cref="AccessEpoch.Current"/> equals <see cref="Epoch"/> (every move, deletion or reassignment bumps it).
/// </summary>
/// <param name="Exists">False when no device has this serial (deleted, or never registered).</param>
/// <param name="Id">The device id; empty when it does not exist.</param>
/// <param name="OrgId">The owning org, null when unassigned.</param>
/// <param name="RoomId">The room it is in, if any.</param>
/// <param name="TenantId">The customer or tenant user it is assigned to, if any.</param>
/// <param name="Epoch">The epoch read before the row was loaded.</param>
public sealed record DeviceOwner(bool Exists, string Id, string? OrgId, string? RoomId, string? TenantId, long Epoch);
