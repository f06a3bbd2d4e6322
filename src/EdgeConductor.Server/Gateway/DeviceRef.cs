namespace EdgeConductor.Server.Gateway;

/// <summary>An authenticated device, as the gateway hands it to the features.</summary>
public sealed record DeviceRef(string Id, string Serial, string? OrgId);
