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
            // Claim first (only one of two concurrent subscribes wins), then send; a send nobody was listening to
            // releases the claim so the command stays pending.
            if (!await commands.MarkDeliveredAsync(c.Id, "mqtt", ct)) continue;
            if (!await gateway.SendAsync(device.Serial, DeviceChannel.Commands, Encoding.UTF8.GetBytes(CommandMessage.Render(c).ToJsonString()), ct))
                await commands.ReleaseAsync(c.Id, ct);
        }
    }
}
