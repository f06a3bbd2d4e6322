using System.Text;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Notifications;
using EdgeConductor.Server.Shadow;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Live;

/// <summary>
/// Server-Sent Events of telemetry and shadow changes as they are committed (dashboard, `ec telemetry watch`); the org
/// stream also carries the caller's notification bell (<see cref="NotificationFeed"/>, docs/notifications.md). Every
/// event is authorized when it is written, against the caller's current rights, and a stream whose credential is gone
/// (key revoked, user disabled, deleted or its role changed) ends at once.
/// </summary>
public static class StreamApi
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static RouteGroupBuilder MapStreamApi(this RouteGroupBuilder api)
    {
        api.MapGet("/devices/{serial}/stream", DeviceStream).WithTags("Live")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").ProducesProblem(404);
        api.MapGet("/orgs/{orgId}/stream", OrgStream).WithTags("Live")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").ProducesProblem(404);
        return api;
    }

    private static async Task DeviceStream(string serial, RequestContext ctx, DeviceStore devices, ShadowStore shadows, DeviceEventHub hub,
        LiveAccess live, IHostApplicationLifetime lifetime)
    {
        var device = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        var rights = live.ForCaller(ctx.Caller, await ctx.ScopeAsync());
        using var sub = hub.Subscribe(serial, null);
        var state = await shadows.GetAsync(device.Id, ctx.Aborted);
        var first = state is null ? null : ShadowEvents.Changed(new DeviceRef(device.Id, device.SerialNo, device.OrgId), state);
        await PumpAsync(ctx.Http, sub, first, rights, live.Epoch, lifetime.ApplicationStopping);
    }

    private static async Task OrgStream(string orgId, RequestContext ctx, DeviceEventHub hub, LiveAccess live, IHostApplicationLifetime lifetime,
        NotificationStore notifications)
    {
        var org = await ctx.RequireOrgAsync(orgId);
        var scope = await ctx.ScopeAsync();
        if (scope.DeviceTenantId is not null || scope.DeviceRoomId is not null)
            throw ApiException.Forbidden("Your role sees only some of this org's devices; stream them one at a time with /devices/{serial}/stream.");
        var rights = live.ForCaller(ctx.Caller, scope);
        using var sub = hub.Subscribe(null, org.Id);
        var feed = new NotificationFeed(notifications, rights, org.Id, BellReader.For(ctx.Caller));
        await PumpAsync(ctx.Http, sub, null, rights, live.Epoch, lifetime.ApplicationStopping, feed);
    }

    /// <summary>
    /// Writes events until the client goes away, the host stops (<paramref name="stopping"/>: the stream ends so shutdown
    /// is not held up), or the caller's rights are gone. Each event is checked against the caller's current rights
    /// (<see cref="LiveRights"/>) as it is written; every <see cref="AccessEpoch"/> change wakes the loop to re-check
    /// the credential, and a revoked, deleted, disabled or changed one ends the stream with a ": access revoked" comment.
    /// </summary>
    private static async Task PumpAsync(HttpContext http, DeviceEventHub.Subscription sub, DeviceEvent? first, LiveRights rights,
        AccessEpoch epoch, CancellationToken stopping, NotificationFeed? feed = null)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var ct = linked.Token;
        Action<AccessChange> onChange = _ => sub.Wake();
        epoch.Changed += onChange;
        try
        {
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            await http.Response.WriteAsync(": connected\n\n", ct);
            if (first is not null && await MayReadAsync(rights, first, ct)) await WriteEventAsync(http, first, ct);
            if (feed is not null && await feed.OpeningAsync(ct) is { } opening) await http.Response.WriteAsync(opening, ct);
            await http.Response.Body.FlushAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(Heartbeat);
                try
                {
                    if (!await sub.Reader.WaitToReadAsync(wait.Token)) break;
                    while (sub.Reader.TryRead(out var e))
                    {
                        if (ReferenceEquals(e, DeviceEventHub.WakeUp)) continue;
                        if (NotificationLiveEvents.IsNotificationEvent(e))
                        {
                            // Org-level bell events: only org streams render them, for their own caller (NotificationFeed).
                            if (feed is not null && await feed.RenderAsync(e, ct) is { } text) await http.Response.WriteAsync(text, ct);
                        }
                        else if (await MayReadAsync(rights, e, ct)) await WriteEventAsync(http, e, ct);
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await http.Response.WriteAsync(": ping\n\n", ct);
                }

                if (!await rights.IsCurrentAsync(ct))
                {
                    await http.Response.WriteAsync(": access revoked\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                    return;
                }

                await http.Response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // client went away, or the host is stopping
        }
        finally
        {
            epoch.Changed -= onChange;
        }
    }

    private static ValueTask<bool> MayReadAsync(LiveRights rights, DeviceEvent e, CancellationToken ct) =>
        rights.TryMayReadDevice(e.Serial, out var allowed) ? new(allowed) : rights.MayReadDeviceAsync(e.Serial, ct);

    private static Task WriteEventAsync(HttpContext http, DeviceEvent e, CancellationToken ct) =>
        http.Response.WriteAsync(new StringBuilder().Append("event: ").Append(e.Type).Append('\n')
            .Append("data: ").Append(e.Data).Append("\n\n").ToString(), ct);
}
