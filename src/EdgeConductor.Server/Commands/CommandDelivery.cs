using System.Text;
using EdgeConductor.Server.Gateway;

namespace EdgeConductor.Server.Commands;

/// <summary>Sends a device its pending commands when it subscribes to devices/{serial}/commands.</summary>
internal sealed class CommandDelivery(CommandStore commands, IDeviceGateway gateway) : IDeviceSubscriptionObserver
{
    public async ValueTask OnSubscribedAsync(DeviceRef device, DeviceChannel channel, CancellationToken ct)
    {
        if (channel != DeviceChannel.Commands) return;
        foreach (var c in await commands.PendingAsync(device.Id, ct))
        {
            // At least once: send, then mark. A device dedupes by command id.
            if (await gateway.SendAsync(device.Serial, DeviceChannel.Commands, Encoding.UTF8.GetBytes(CommandMessage.Render(c).ToJsonString()), ct))
                await commands.MarkDeliveredAsync(c.Id, "mqtt", ct);
        }
    }
}
