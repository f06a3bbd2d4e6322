namespace EdgeConductor.Sdk.Devices;

/// <summary>The answer of <see cref="DevicesClient.RotateSecretAsync"/>: the device's new MQTT password, shown this once.</summary>
/// <param name="SerialNo">The device.</param>
/// <param name="DeviceSecret">The new secret; the old one stops working at once (its live session is cut).</param>
public sealed record RotatedSecret(string SerialNo, string DeviceSecret);
