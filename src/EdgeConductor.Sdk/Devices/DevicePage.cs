namespace EdgeConductor.Sdk.Devices;

/// <summary>One page of <see cref="DevicesClient.ListPageAsync"/>: the devices and how many match the filters in all.</summary>
/// <param name="Items">The devices of this page, ordered by serial number.</param>
/// <param name="Total">How many devices match the filters (the server's <c>X-Total-Count</c> header), across all pages.</param>
public sealed record DevicePage(IReadOnlyList<Device> Items, long Total);
