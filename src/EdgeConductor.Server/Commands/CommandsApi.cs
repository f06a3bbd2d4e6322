using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Shadow;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Commands;

public static class CommandsApi
{
    public sealed record RebootResponse(bool Ok, string CommandId, bool Delivered);

    public static RouteGroupBuilder MapCommandsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/devices/{serial}/reboot", Reboot).WithTags("Commands");
        api.MapGet("/devices/{serial}/commands", Poll).WithTags("Commands").AllowAnonymous().VerifiesDeviceCredential(); // device credential or bearer
        return api;
    }

    private static async Task<IResult> Reboot(string serial, RequestContext ctx, DeviceStore devices, CommandStore commands,
        IDeviceGateway gateway, AuditLog audit)
    {
        var device = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        ctx.RequireRole(Roles.Managers);
        var cmd = await commands.CreateAsync(device.Id, "reboot", "{}", ctx.Aborted);
        var delivered = await gateway.SendAsync(serial, DeviceChannel.Commands,
            Encoding.UTF8.GetBytes(CommandMessage.Render(cmd).ToJsonString()), ctx.Aborted);
        if (delivered) await commands.MarkDeliveredAsync(cmd.Id, "mqtt", ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(device.OrgId, AuditActions.RebootRequested, "device", serial, new { command_id = cmd.Id, delivered_live = delivered }), ctx.Aborted);
        return TypedResults.Accepted($"/api/v1/devices/{serial}/commands", new RebootResponse(true, cmd.Id, delivered));
    }

    /// <summary>
    /// What a polling (GSM) device must do: its outstanding desired state (delta) and pending commands. ETag / If-None-Match
    /// make an unchanged answer a bodiless 304. When the device itself polls (X-Device-Secret), the commands it is
    /// shown count as delivered, so a reboot is not repeated on the next poll.
    /// </summary>
    private static async Task<IResult> Poll(string serial, RequestContext ctx, DeviceStore devices, ShadowStore shadows, CommandStore commands,
        IEnumerable<IPollContributor> contributors)
    {
        var (device, isDevice) = await DeviceCredential.RequireDeviceOrCallerAsync(serial, ctx, devices, write: false);
        var state = await shadows.GetAsync(device.Id, ctx.Aborted);
        var pending = await commands.PendingAsync(device.Id, ctx.Aborted);
        var list = new JsonArray();
        foreach (var c in pending) list.Add(CommandMessage.Render(c));
        var answer = new JsonObject
        {
            ["serial_no"] = device.SerialNo,
            ["version"] = state?.Version ?? 0,
            ["desired"] = state?.Delta() ?? new JsonObject(),
            ["reboot"] = pending.Any(c => c.Cmd == "reboot"),
            ["commands"] = list,
        };
        foreach (var contributor in contributors) await contributor.ContributeAsync(device, answer, isDevice, ctx.Aborted);
        var body = answer.ToJsonString();
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..20] + "\"";
        ctx.Http.Response.Headers.ETag = etag;
        ctx.Http.Response.Headers.CacheControl = "no-cache";
        if (ctx.Http.Request.Headers.IfNoneMatch.Any(v => v == etag || v == "*")) return Results.StatusCode(StatusCodes.Status304NotModified);
        if (isDevice)
            foreach (var c in pending) await commands.MarkDeliveredAsync(c.Id, "http", ctx.Aborted);
        return Results.Text(body, "application/json; charset=utf-8");
    }
}
