namespace EdgeConductor.Server.Devices;

/// <summary>Query filters of <c>GET /devices</c>.</summary>
public sealed record DeviceFilter(string? OrgId, string? TenantId, string? RoomId, string? ProductType, bool? Online);
