namespace EdgeConductor.Server.Gateway;

/// <summary>
/// The gateway when no device transport is running (MQTT disabled): no device is ever connected, so every send
/// reports "not delivered" and features keep the message pending for HTTPS polling.
/// </summary>
internal sealed class UnconnectedDeviceGateway : IDeviceGateway
{
    public ValueTask<bool> SendAsync(string serial, DeviceChannel channel, ReadOnlyMemory<byte> payload, CancellationToken ct) => ValueTask.FromResult(false);

    public bool IsListening(string serial, DeviceChannel channel) => false;

    public int Disconnect(string serial) => 0;

    public int ForgetRetained(string serial) => 0;
}
