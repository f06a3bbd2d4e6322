namespace EdgeConductor.Sdk.Devices;

/// <summary>A device's new secret, from <see cref="DevicesClient.RotateSecretAsync"/>.</summary>
/// <param name="SerialNo">The device.</param>
/// <param name="DeviceSecret">The new secret (MQTT password, <c>X-Device-Secret</c>); never shown again.</param>
public sealed record DeviceSecretResult(string SerialNo, string DeviceSecret);
