namespace EdgeConductor.Server.Gateway;

/// <summary>Device → cloud messages (devices/{serial}/telemetry and devices/{serial}/shadow/reported).</summary>
public enum DeviceMessageKind
{
    Telemetry,
    ShadowReported,
}
