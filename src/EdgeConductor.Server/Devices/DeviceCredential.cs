using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Devices;

/// <summary>
/// Endpoints a device itself may call over HTTPS (GSM devices without MQTT): the device authenticates with its own
/// secret in the <c>X-Device-Secret</c> header (serial from the path); anyone else with a normal bearer credential.
/// </summary>
public static class DeviceCredential
{
    public const string HeaderName = "X-Device-Secret";

    /// <summary>The device and whether the device itself is calling. Users and keys need a manager role when <paramref name="write"/>.</summary>
    public static async Task<(DeviceRecord Device, bool IsDevice)> RequireDeviceOrCallerAsync(string serial, RequestContext ctx,
        DeviceStore devices, bool write)
    {
        if (ctx.Http.Request.Headers.TryGetValue(HeaderName, out var secret))
        {
            var device = await devices.AuthenticateAsync(serial, secret.ToString(), ctx.Aborted)
                ?? throw ApiException.Unauthorized($"The {HeaderName} credential is not valid for device '{serial}'.");
            return (device, true);
        }
        var d = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        if (write) ctx.RequireRole(Roles.Managers);
        return (d, false);
    }
}
