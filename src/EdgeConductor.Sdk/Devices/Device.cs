using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeConductor.Sdk.Devices;

/// <summary>A device as the registry shows it.</summary>
/// <param name="Id">The server's id of the device.</param>
/// <param name="SerialNo">The serial number; also the device's MQTT username.</param>
/// <param name="ProductType">The product type, e.g. <c>EC-CLIMATE-V1</c> or <c>tracker</c>.</param>
/// <param name="FwVersion">The firmware version the device last reported, if any.</param>
/// <param name="OrgId">The organization that owns the device.</param>
/// <param name="RoomId">The room the device is assigned to, if any.</param>
/// <param name="TenantId">The customer or tenant user the device is assigned to, if any.</param>
/// <param name="Tags">Free-form tags.</param>
/// <param name="ShadowReported">The latest state the device reported (sensor values).</param>
/// <param name="ShadowDesired">The state the cloud asks the device to take.</param>
/// <param name="ShadowVersion">Increases on every shadow change.</param>
/// <param name="LastSeen">When the device was last heard from.</param>
/// <param name="Online">Seen in the last 5 minutes.</param>
/// <param name="CreatedAt">When the device was registered.</param>
/// <param name="UpdatedAt">When the device record last changed.</param>
public sealed record Device(
    string Id,
    string SerialNo,
    string ProductType,
    string? FwVersion,
    string? OrgId,
    string? RoomId,
    string? TenantId,
    IReadOnlyList<string>? Tags,
    JsonElement ShadowReported,
    JsonElement ShadowDesired,
    long ShadowVersion,
    DateTimeOffset? LastSeen,
    bool Online,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// The device's MQTT password. Present only in the answer that created the device (or rotated its secret):
    /// store it then, it is never shown again. Null when <see cref="DevicesClient.RegisterAsync(RegisterDeviceRequest, CancellationToken)"/> found the device already registered.
    /// </summary>
    public string? DeviceSecret { get; init; }

    /// <summary>The version of an OTA update waiting for the device (seed 001 <c>pending_fw_version</c>), null when none.</summary>
    public string? PendingFwVersion { get; init; }

    /// <summary>The download address of that update (seed 001 <c>pending_fw_url</c>), null when none.</summary>
    public string? PendingFwUrl { get; init; }

    /// <summary>True when this object came from a register call that created the device (HTTP 201).</summary>
    [JsonIgnore]
    public bool Created { get; init; }
}
