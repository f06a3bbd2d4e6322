namespace EdgeConductor.Server.Devices;

/// <summary>A row of <c>devices</c>. The shadow documents are JSON text.</summary>
public sealed class DeviceRecord
{
    public string Id { get; set; } = "";
    public string SerialNo { get; set; } = "";
    public string ProductType { get; set; } = "";
    public string? FwVersion { get; set; }
    public string? OrgId { get; set; }
    public string? RoomId { get; set; }
    public string? TenantId { get; set; }
    public string Tags { get; set; } = "[]";
    public string SecretHash { get; set; } = "";
    public string ShadowReported { get; set; } = "{}";
    public string ShadowDesired { get; set; } = "{}";
    public string ShadowMetadata { get; set; } = "{}";
    public long ShadowVersion { get; set; }
    public long? LastSeen { get; set; }
    public long? OfflineAlertedAt { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    /// <summary>The firmware version of an OTA update waiting for this device (seed 001), or null.</summary>
    public string? PendingFwVersion { get; set; }
    /// <summary>Where that firmware is downloaded from (without a device token), or null.</summary>
    public string? PendingFwUrl { get; set; }
}
