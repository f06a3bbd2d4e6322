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
            var limits = ctx.Http.RequestServices.GetRequiredService<RateLimiterRegistry>();
            var options = ctx.Http.RequestServices.GetRequiredService<Hosting.EcOptions>();
            var device = await devices.AuthenticateAsync(serial, secret.ToString(), ctx.Aborted);
            // A wrong secret spends the caller's anonymous per-IP budget; a right one the device's own.
            var (key, perMinute) = device is null
                ? ("ip:" + ctx.Ip, options.AnonymousRequestsPerMinute)
                : ("device:" + device.Id, options.DeviceRequestsPerMinute);
            if (!limits.TryAcquire(key, perMinute, out var retry))
                throw ApiException.RateLimited($"Rate limit of {perMinute} requests per minute exceeded.", retry);
            return (device ?? throw ApiException.Unauthorized($"The {HeaderName} credential is not valid for device '{serial}'."), true);
        }
        var d = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        if (write) ctx.RequireRole(Roles.Managers);
        return (d, false);
    }
}
