namespace EdgeConductor.Server.Gateway;

/// <summary>
/// The one way features send to devices, whatever carries the message (the built-in broker today, an external
/// broker cluster later). Features never see MQTT packets or topics.
/// </summary>
public interface IDeviceGateway
{
    /// <summary>
    /// Sends to the device at QoS 1. Returns true when the message was handed to a live connection of that device
    /// subscribed to the channel; false when the device is not connected (callers keep the message pending and
    /// deliver it on reconnect, see <see cref="IDeviceSubscriptionObserver"/>).
    /// </summary>
    ValueTask<bool> SendAsync(string serial, DeviceChannel channel, ReadOnlyMemory<byte> payload, CancellationToken ct);

    /// <summary>Is any connection of this device subscribed to <paramref name="channel"/> right now?</summary>
    bool IsListening(string serial, DeviceChannel channel);

    /// <summary>
    /// Closes every live connection of the device (it was deleted, moved to another org, or its secret was rotated), so it
    /// must authenticate again with what is true now. Returns how many connections were closed.
    /// </summary>
    int Disconnect(string serial);

    /// <summary>
    /// Forgets everything the transport retains for the device (MQTT retained messages under <c>devices/{serial}/</c>),
    /// called when the device is deleted: a device later registered with the same serial, possibly by another org, must
    /// not inherit its predecessor's last readings or state. Returns how many retained messages were deleted.
    /// </summary>
    int ForgetRetained(string serial);
}
