using System.Text;
using EdgeConductor.Server.Gateway;

namespace EdgeConductor.Server.Shadow;

/// <summary>When a device subscribes to its desired topic, it receives the outstanding desired state (the delta) at once.</summary>
internal sealed class ShadowDelivery(ShadowStore shadows, IDeviceGateway gateway) : IDeviceSubscriptionObserver
{
    public async ValueTask OnSubscribedAsync(DeviceRef device, DeviceChannel channel, CancellationToken ct)
    {
        if (channel != DeviceChannel.ShadowDesired) return;
        var state = await shadows.GetAsync(device.Id, ct);
        var delta = state?.Delta();
        if (delta is null || delta.Count == 0) return;
        await gateway.SendAsync(device.Serial, DeviceChannel.ShadowDesired, Encoding.UTF8.GetBytes(delta.ToJsonString()), ct);
    }
}
