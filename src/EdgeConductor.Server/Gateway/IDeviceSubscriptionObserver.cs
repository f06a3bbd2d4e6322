namespace EdgeConductor.Server.Gateway;

/// <summary>Told when a device starts listening on a channel, so outstanding desired state and commands reach it.</summary>
public interface IDeviceSubscriptionObserver
{
    ValueTask OnSubscribedAsync(DeviceRef device, DeviceChannel channel, CancellationToken ct);
}
