using System.Text;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Shadow;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Live;

/// <summary>Server-Sent Events of telemetry and shadow changes as they are committed (dashboard, `ec telemetry watch`).</summary>
public static class StreamApi
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static RouteGroupBuilder MapStreamApi(this RouteGroupBuilder api)
    {
        api.MapGet("/devices/{serial}/stream", DeviceStream).WithTags("Live");
        api.MapGet("/orgs/{orgId}/stream", OrgStream).WithTags("Live");
        return api;
    }

    private static async Task DeviceStream(string serial, RequestContext ctx, DeviceStore devices, ShadowStore shadows, DeviceEventHub hub)
    {
        var device = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        using var sub = hub.Subscribe(serial, null);
        var state = await shadows.GetAsync(device.Id, ctx.Aborted);
        var first = state is null ? null : ShadowEvents.Changed(new DeviceRef(device.Id, device.SerialNo, device.OrgId), state);
        await PumpAsync(ctx.Http, sub, first);
    }

    private static async Task OrgStream(string orgId, RequestContext ctx, DeviceEventHub hub)
    {
        var org = await ctx.RequireOrgAsync(orgId);
        var scope = await ctx.ScopeAsync();
        if (scope.DeviceTenantId is not null || scope.DeviceRoomId is not null)
            throw ApiException.Forbidden("Your role sees only some of this org's devices; stream them one at a time with /devices/{serial}/stream.");
        using var sub = hub.Subscribe(null, org.Id);
        await PumpAsync(ctx.Http, sub, null);
    }

    private static async Task PumpAsync(HttpContext http, DeviceEventHub.Subscription sub, DeviceEvent? first)
    {
        var ct = http.RequestAborted;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.WriteAsync(": connected\n\n", ct);
        if (first is not null) await WriteEventAsync(http, first, ct);
        await http.Response.Body.FlushAsync(ct);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(Heartbeat);
                try
                {
                    if (!await sub.Reader.WaitToReadAsync(wait.Token)) break;
                    while (sub.Reader.TryRead(out var e)) await WriteEventAsync(http, e, ct);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await http.Response.WriteAsync(": ping\n\n", ct);
                }
                await http.Response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // client went away
        }
    }

    private static Task WriteEventAsync(HttpContext http, DeviceEvent e, CancellationToken ct) =>
        http.Response.WriteAsync(new StringBuilder().Append("event: ").Append(e.Type).Append('\n')
            .Append("data: ").Append(e.Data).Append("\n\n").ToString(), ct);
}
