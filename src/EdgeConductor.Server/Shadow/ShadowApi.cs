using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Shadow;

public static partial class ShadowApi
{
    public const int MaxDesiredBytes = 8 * 1024;
    public const int MaxDesiredKeys = 64;

    public static RouteGroupBuilder MapShadowApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/devices/{serial}/shadow").WithTags("Shadow");
        g.MapGet("/", Get);
        g.MapPatch("/desired", PatchDesired);
        return api;
    }

    private static async Task<IResult> Get(string serial, RequestContext ctx, DeviceStore devices, ShadowStore shadows)
    {
        var device = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        var state = await shadows.GetAsync(device.Id, ctx.Aborted) ?? throw ApiException.NotFound($"Device '{serial}' not found.");
        return TypedResults.Ok(ShadowDto.From(serial, state));
    }

    /// <summary>
    /// Merge desired state (null deletes a key). Optimistic locking: a top-level "version" member (reserved, not a
    /// shadow key) or an If-Match header with the version you read; stale → 409. Stored first, then sent to the
    /// device at QoS 1 on devices/{serial}/shadow/desired (or on its next subscribe if it is offline).
    /// </summary>
    private static async Task<IResult> PatchDesired(string serial, JsonElement? body, RequestContext ctx, DeviceStore devices,
        DesiredStateService desired)
    {
        var device = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        ctx.RequireRole(Roles.SuperAdmin, Roles.Partner, Roles.OrgAdmin, Roles.Customer);
        var (patch, version) = ParsePatch(body, ctx.Http.Request.Headers.IfMatch.ToString());
        var result = await desired.PatchAsync(new DeviceRef(device.Id, device.SerialNo, device.OrgId), patch, version,
            ctx.Audit(device.OrgId, AuditActions.ConfigPushed), ctx.Aborted);
        return TypedResults.Ok(ShadowDto.From(serial, result.State));
    }

    private static (JsonObject Patch, long? Version) ParsePatch(JsonElement? body, string ifMatch)
    {
        if (body is not { ValueKind: JsonValueKind.Object } root) throw ApiException.BadRequest("The body must be a JSON object of desired keys, e.g. {\"relay\":true}.");
        if (Encoding.UTF8.GetByteCount(root.GetRawText()) > MaxDesiredBytes) throw ApiException.BadRequest($"The desired patch is larger than {MaxDesiredBytes} bytes.");
        long? version = null;
        if (!string.IsNullOrEmpty(ifMatch))
        {
            if (!long.TryParse(ifMatch.Trim().Trim('"').Replace("W/", ""), out var v)) throw ApiException.Invalid("If-Match", "must be the shadow version, e.g. \"3\"");
            version = v;
        }
        var patch = new JsonObject();
        foreach (var p in root.EnumerateObject())
        {
            if (p.Name == "version")
            {
                if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt64(out var v)) throw ApiException.Invalid("version", "must be a whole number (the shadow version you read)");
                version = v;
                continue;
            }
            if (!Common.FieldName.IsValid(p.Name)) throw ApiException.Invalid(p.Name, "keys are 1-64 letters, digits or '_' and start with a letter or '_'");
            if (patch.Count == MaxDesiredKeys) throw ApiException.BadRequest($"A desired patch may set at most {MaxDesiredKeys} keys.");
            if (Common.JsonNumbers.FindInvalid(p.Value, p.Name) is { } bad) throw ApiException.Invalid(bad, Common.JsonNumbers.Rule);
            patch[p.Name] = JsonNode.Parse(p.Value.GetRawText());
        }
        if (patch.Count == 0) throw ApiException.BadRequest("The desired patch has no keys.");
        return (patch, version);
    }

}
