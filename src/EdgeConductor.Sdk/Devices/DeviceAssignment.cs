namespace EdgeConductor.Sdk.Devices;

/// <summary>What <see cref="DevicesClient.AssignAsync"/> changes; null members are left as they are.</summary>
/// <param name="OrgId">Move the device to this org (its room and tenant are cleared when the org changes).</param>
/// <param name="RoomId">Put the device in this room of its org.</param>
/// <param name="TenantId">Assign the device to this customer or tenant user of its org.</param>
/// <param name="Tags">Replace the device's tags (at most 32, each 1–64 characters).</param>
public sealed record DeviceAssignment(string? OrgId = null, string? RoomId = null, string? TenantId = null, IReadOnlyList<string>? Tags = null);
