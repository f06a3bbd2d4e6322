using System.Text.Json;
using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Tenancy;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace EdgeConductor.Server.Devices;

public static class DevicesApi
{
    /// <summary>POST /devices/register body; serial_no and product_type are required (400 naming the field otherwise).</summary>
    public sealed record RegisterRequest([property: Required] string? SerialNo, [property: Required] string? ProductType, string? FwVersion, string? OrgId);
    public sealed record DeletedResponse(bool Deleted, string SerialNo);
    public sealed record SecretResponse(string SerialNo, string DeviceSecret);

    public static RouteGroupBuilder MapDevicesApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/devices").WithTags("Devices");
        g.MapPost("/register", Register).RequireFreshCredential()
            .Produces<DeviceDto>(StatusCodes.Status201Created).Produces<DeviceDto>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        g.MapGet("/", List).Produces<DeviceDto[]>().ProducesProblem(400);
        g.MapGet("/{serial}", Get).Produces<DeviceDto>().ProducesProblem(404);
        g.MapPatch("/{serial}", Patch).Produces<DeviceDto>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        g.MapDelete("/{serial}", Delete).Produces<DeletedResponse>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        g.MapPost("/{serial}/secret/rotate", RotateSecret).RequireFreshCredential()
            .Produces<SecretResponse>().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Register(RegisterRequest? body, RequestContext ctx, DeviceStore devices, AuditLog audit)
    {
        body = Check.Body(body);
        var orgId = Check.Optional(body.OrgId, "org_id", 64) ?? ctx.Caller.OrgId;
        // Visibility before role, as everywhere else: another org's id is 404 for every role, never a 403.
        if (orgId is not null) await ctx.RequireOrgAsync(orgId);
        ctx.RequireRole(Roles.Managers);
        if (orgId is null && !ctx.Caller.IsSuperAdmin) throw ApiException.Invalid("org_id", "is required");
        var serial = SerialNumber.Validate(body.SerialNo);
        var productType = Check.Required(body.ProductType, "product_type", 64);
        var fw = Check.Optional(body.FwVersion, "fw_version", 64);

        var (outcome, device, secret) = await devices.RegisterAsync(serial, productType, fw, orgId, ctx.Aborted);
        switch (outcome)
        {
            case DeviceStore.RegisterOutcome.OwnedElsewhere:
                throw ApiException.Conflict($"Device serial '{serial}' is already registered to another organization.");
            case DeviceStore.RegisterOutcome.Existing:
                return TypedResults.Ok(DeviceDto.From(device, devices.Now));
            default:
                await audit.WriteAsync(ctx.Audit(orgId, AuditActions.DeviceRegistered, "device", serial, new { product_type = productType, fw_version = fw }), ctx.Aborted);
                return TypedResults.Created($"/api/v1/devices/{serial}", DeviceDto.From(device, devices.Now, secret));
        }
    }

    private static async Task<IResult> List(
        [FromQuery(Name = "org_id")] string? orgId, [FromQuery(Name = "tenant_id")] string? tenantId,
        [FromQuery(Name = "room_id")] string? roomId, [FromQuery(Name = "product_type")] string? productType,
        string? status, string? q, string? tag, int? limit, int? offset, RequestContext ctx, DeviceStore devices)
    {
        var search = Check.Optional(q, "q", 64);
        var tagFilter = Check.Optional(tag, "tag", 64);
        bool? online = status switch
        {
            null or "" => null,
            "online" => true,
            "offline" => false,
            _ => throw ApiException.Invalid("status", "must be 'online' or 'offline'"),
        };
        var (items, total) = await devices.ListAsync(await ctx.ScopeAsync(), new DeviceFilter(orgId, tenantId, roomId, productType, online)
            {
                Search = search,
                Tag = tagFilter,
            },
            Paging.From(limit, offset), ctx.Aborted);
        ctx.Http.Response.Headers["X-Total-Count"] = total.ToString();
        var now = devices.Now;
        return TypedResults.Ok(items.Select(d => DeviceDto.From(d, now)));
    }

    /// <summary>The device if the caller may see it; 404 otherwise (whether or not it exists elsewhere).</summary>
    internal static async Task<DeviceRecord> RequireDeviceAsync(string serial, RequestContext ctx, DeviceStore devices) =>
        (SerialNumber.IsValid(serial) ? await devices.FindAsync(serial, await ctx.ScopeAsync(), ctx.Aborted) : null)
        ?? throw ApiException.NotFound($"Device '{serial}' not found.");

    private static async Task<IResult> Get(string serial, RequestContext ctx, DeviceStore devices) =>
        TypedResults.Ok(DeviceDto.From(await RequireDeviceAsync(serial, ctx, devices), devices.Now));

    private static async Task<IResult> Patch(string serial, JsonElement? body, RequestContext ctx, DeviceStore devices,
        RoomStore rooms, UserStore users, IDeviceGateway gateway, AccessEpoch epoch, AuditLog audit)
    {
        var device = await RequireDeviceAsync(serial, ctx, devices);
        ctx.RequireRole(Roles.Managers);
        var patch = new PatchDocument(body);
        patch.AllowOnly("org_id", "room_id", "tenant_id", "tags");
        var originalOrgId = device.OrgId;
        var originalRoomId = device.RoomId;
        var originalTenantId = device.TenantId;
        if (patch.Has("org_id"))
        {
            var orgId = Check.Optional(patch.String("org_id"), "org_id", 64);
            if (orgId is null && !ctx.Caller.IsSuperAdmin) throw ApiException.Invalid("org_id", "only a super admin can unassign a device from its org");
            if (orgId is not null) await ctx.RequireOrgAsync(orgId);
            if (orgId != device.OrgId) { device.RoomId = null; device.TenantId = null; }
            device.OrgId = orgId;
        }
        if (patch.Has("room_id"))
        {
            var roomId = Check.Optional(patch.String("room_id"), "room_id", 64);
            if (roomId is not null && (device.OrgId is null || (await rooms.FindAsync(roomId, ctx.Aborted))?.OrgId != device.OrgId))
                throw ApiException.Invalid("room_id", "is not a room of the device's organization");
            device.RoomId = roomId;
        }
        if (patch.Has("tenant_id"))
        {
            var tenantId = Check.Optional(patch.String("tenant_id"), "tenant_id", 64);
            if (tenantId is not null)
            {
                var user = await users.FindByIdAsync(tenantId, ctx.Aborted);
                if (user is null || device.OrgId is null || user.OrgId != device.OrgId || user.Role is not (Roles.Customer or Roles.Tenant))
                    throw ApiException.Invalid("tenant_id", "is not a customer or tenant user of the device's organization");
            }
            device.TenantId = tenantId;
        }
        if (patch.Has("tags")) device.Tags = ValidateTags(patch.Raw("tags"));
        await devices.UpdateAssignmentAsync(device, ctx.Aborted);
        if (device.OrgId != originalOrgId) gateway.Disconnect(serial); // its live session still speaks for the old org
        // Who may read it changed (org, room or tenant): open MQTT subscriptions and SSE streams re-decide at once.
        if (device.OrgId != originalOrgId || device.RoomId != originalRoomId || device.TenantId != originalTenantId)
            epoch.Bump(new AccessChange(AccessChange.DeviceMoved, serial, originalOrgId));
        await audit.WriteAsync(ctx.Audit(device.OrgId, AuditActions.DeviceUpdated, "device", serial, new { fields = patch.Names.ToArray() }), ctx.Aborted);
        return TypedResults.Ok(DeviceDto.From(device, devices.Now));
    }

    private static string ValidateTags(JsonElement tags)
    {
        if (tags.ValueKind == JsonValueKind.Null) return "[]";
        if (tags.ValueKind != JsonValueKind.Array) throw ApiException.Invalid("tags", "must be an array of strings");
        if (tags.GetArrayLength() > 32) throw ApiException.Invalid("tags", "may hold at most 32 tags");
        var list = new List<string>();
        foreach (var t in tags.EnumerateArray())
        {
            if (t.ValueKind != JsonValueKind.String || t.GetString() is not { Length: > 0 and <= 64 } s)
                throw ApiException.Invalid("tags", "each tag must be a string of 1 to 64 characters");
            if (!list.Contains(s)) list.Add(s);
        }
        return JsonSerializer.Serialize(list);
    }

    private static async Task<IResult> Delete(string serial, bool? force, RequestContext ctx, DeviceStore devices,
        Telemetry.TelemetryStore telemetry, IDeviceGateway gateway, AccessEpoch epoch, AuditLog audit)
    {
        var device = await RequireDeviceAsync(serial, ctx, devices);
        ctx.RequireRole(Roles.Managers);
        if (force != true && DevicePresence.IsOnline(device.LastSeen, devices.Now))
            throw ApiException.Conflict($"Device '{serial}' was seen in the last {DevicePresence.OnlineWindow.TotalMinutes:0} minutes; pass ?force=true to delete it anyway.");
        await devices.DeleteAsync(device.Id, ctx.Aborted);
        gateway.Disconnect(serial);
        gateway.ForgetRetained(serial); // a later device with this serial (maybe another org's) must not inherit them
        epoch.Bump(new AccessChange(AccessChange.DeviceDeleted, serial, device.OrgId));
        await telemetry.DeleteDeviceAsync(device.Id, ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(device.OrgId, AuditActions.DeviceDeleted, "device", serial, new { forced = force == true }), ctx.Aborted);
        return TypedResults.Ok(new DeletedResponse(true, serial));
    }

    private static async Task<IResult> RotateSecret(string serial, RequestContext ctx, DeviceStore devices, IDeviceGateway gateway, AccessEpoch epoch, AuditLog audit)
    {
        var device = await RequireDeviceAsync(serial, ctx, devices);
        ctx.RequireRole(Roles.Managers);
        var secret = await devices.RotateSecretAsync(device.Id, ctx.Aborted);
        gateway.Disconnect(serial); // the old secret must not keep a session alive
        epoch.Bump(new AccessChange(AccessChange.DeviceSecretRotated, serial, device.OrgId));
        await audit.WriteAsync(ctx.Audit(device.OrgId, AuditActions.DeviceSecretRotated, "device", serial), ctx.Aborted);
        return TypedResults.Ok(new SecretResponse(serial, secret));
    }
}
