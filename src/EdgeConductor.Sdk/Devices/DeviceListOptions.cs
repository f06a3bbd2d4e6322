namespace EdgeConductor.Sdk.Devices;

/// <summary>Filters and paging of <see cref="DevicesClient.ListAsync"/>.</summary>
public sealed record DeviceListOptions
{
    /// <summary>Only devices of this org.</summary>
    public string? OrgId { get; init; }

    /// <summary>Only devices assigned to this tenant or customer user.</summary>
    public string? TenantId { get; init; }

    /// <summary>Only devices in this room.</summary>
    public string? RoomId { get; init; }

    /// <summary>Only devices of this product type.</summary>
    public string? ProductType { get; init; }

    /// <summary>Only online devices (true) or offline ones (false).</summary>
    public bool? Online { get; init; }

    /// <summary>Search: a case-insensitive part of the serial number or product type (<c>q</c>, at most 64 characters).</summary>
    public string? Search { get; init; }

    /// <summary>Only devices carrying exactly this tag (<c>tag</c>).</summary>
    public string? Tag { get; init; }

    /// <summary>Page size, 1–1000 (server default 100). <see cref="DevicesClient.ListAllAsync"/> ignores it.</summary>
    public int? Limit { get; init; }

    /// <summary>How many devices to skip.</summary>
    public int? Offset { get; init; }
}
