namespace EdgeConductor.Server.Gateway;

/// <summary>Cloud → device channels (seed 000 "MQTT Topics": devices/{serial}/shadow/desired, /ota, /commands).</summary>
public enum DeviceChannel
{
    ShadowDesired,
    Commands,
    Ota,
}
