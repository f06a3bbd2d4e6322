namespace EdgeConductor.Server.Devices;

/// <summary>Query filters of <c>GET /devices</c>.</summary>
public sealed record DeviceFilter(string? OrgId, string? TenantId, string? RoomId, string? ProductType, bool? Online)
{
    /// <summary>
    /// <c>q</c>: a case-insensitive substring of the serial number or product type (the console's search box); null for all.
    /// </summary>
    public string? Search { get; init; }

    /// <summary><c>tag</c>: only devices whose tags contain exactly this tag; null for all.</summary>
    public string? Tag { get; init; }
}
