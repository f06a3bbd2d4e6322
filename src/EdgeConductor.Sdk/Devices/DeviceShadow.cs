using System.Text.Json;

namespace EdgeConductor.Sdk.Devices;

/// <summary>The full shadow of a device (<c>GET /devices/{serial}/shadow</c>).</summary>
/// <param name="Desired">What the cloud asks the device to be.</param>
/// <param name="Reported">What the device last reported.</param>
/// <param name="Delta">Desired keys whose value differs from the reported one.</param>
/// <param name="Version">Increases on every change.</param>
/// <param name="Metadata">Per-key timestamps, as the server sends them.</param>
public sealed record DeviceShadow(JsonElement Desired, JsonElement Reported, JsonElement Delta, long Version, JsonElement Metadata)
{
    /// <summary>The device's serial number.</summary>
    public string? SerialNo { get; init; }
}
