using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeConductor.Server.Common;

namespace EdgeConductor.Server.Devices;

/// <summary>The device as the API shows it (seed 000 field names).</summary>
public sealed record DeviceDto(
    string Id,
    string SerialNo,
    string ProductType,
    string? FwVersion,
    string? OrgId,
    string? RoomId,
    string? TenantId,
    JsonElement Tags,
    JsonElement ShadowReported,
    JsonElement ShadowDesired,
    long ShadowVersion,
    DateTime? LastSeen,
    bool Online,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary>Present only in the response that created the device or rotated its secret.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeviceSecret { get; init; }

    /// <summary>The version of an OTA update waiting for the device (seed 001 "pending_fw_version"), null when none.</summary>
    public string? PendingFwVersion { get; init; }

    /// <summary>The download address of that update (seed 001 "pending_fw_url"; devices get a signed one), null when none.</summary>
    public string? PendingFwUrl { get; init; }

    public static DeviceDto From(DeviceRecord d, long nowMs, string? secret = null) => new(
        d.Id, d.SerialNo, d.ProductType, d.FwVersion, d.OrgId, d.RoomId, d.TenantId,
        Parse(d.Tags), Parse(d.ShadowReported), Parse(d.ShadowDesired), d.ShadowVersion,
        Times.ToUtc(d.LastSeen), DevicePresence.IsOnline(d.LastSeen, nowMs), Times.ToUtc(d.CreatedAt), Times.ToUtc(d.UpdatedAt))
    {
        DeviceSecret = secret,
        PendingFwVersion = d.PendingFwVersion,
        PendingFwUrl = d.PendingFwUrl,
    };

    private static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }
}
