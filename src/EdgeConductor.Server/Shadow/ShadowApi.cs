using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Shadow;

public static partial class ShadowApi
{
    public const int MaxDesiredBytes = ShadowLimits.MaxPatchBytes;
    public const int MaxDesiredKeys = ShadowLimits.MaxPatchKeys;

    public static RouteGroupBuilder MapShadowApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/devices/{serial}/shadow").WithTags("Shadow");
        g.MapGet("/", Get).Produces<ShadowDto>().ProducesProblem(404);
        g.MapPatch("/desired", PatchDesired).Accepts<JsonObject>("application/json").Produces<ShadowDto>()
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
        return api;
    }

    private static async Task<IResult> Get(string serial, RequestContext ctx, DeviceStore devices, ShadowStore shadows)
    {
        var device = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        var state = await shadows.GetAsync(device.Id, ctx.Aborted) ?? throw ApiException.NotFound($"Device '{serial}' not found.");
        return TypedResults.Ok(ShadowDto.From(serial, state));
    }

    /// <summary>
    /// Merge desired state recursively (AWS IoT Device Shadow semantics: objects merge, null deletes exactly that member,
    /// arrays replace). Optimistic locking: an If-Match header with the version you read (stale → 412 Precondition Failed,
    /// RFC 9110) and/or a top-level "version" member (reserved, not a shadow key; stale → 409, the AWS convention).
    /// Stored first, then sent to the device at QoS 1 on devices/{serial}/shadow/desired (or on its next subscribe).
    /// </summary>
    private static async Task<IResult> PatchDesired(string serial, RequestContext ctx, DeviceStore devices, DesiredStateService desired)
    {
        var device = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        ctx.RequireRole(Roles.SuperAdmin, Roles.Partner, Roles.OrgAdmin, Roles.Customer);
        // At most 8 KB (400 beyond; RequestBodyLimits answers 413 past 16 KB on the wire before this runs).
        var body = await DeviceRequestBody.ReadAsync(ctx.Http.Request, MaxDesiredBytes, ctx.Aborted);
        var (patch, version) = ParsePatch(body);
        var ifMatch = ParseIfMatch(ctx.Http.Request.Headers.IfMatch.ToString());
        var result = await desired.PatchAsync(new DeviceRef(device.Id, device.SerialNo, device.OrgId), patch, version, ifMatch,
            ctx.Audit(device.OrgId, AuditActions.ConfigPushed), ctx.Aborted);
        return TypedResults.Ok(ShadowDto.From(serial, result.State));
    }

    private static long? ParseIfMatch(string ifMatch)
    {
        if (string.IsNullOrEmpty(ifMatch)) return null;
        if (!long.TryParse(ifMatch.Trim().Replace("W/", "").Trim('"'), out var v)) throw ApiException.Invalid("If-Match", "must be the shadow version, e.g. \"3\"");
        return v;
    }

    /// <summary>
    /// Parses the patch in one pass with the data rules of <see cref="Common.JsonTree"/>: keys are field names, a key
    /// appears once per object (a duplicate is a 400 naming it), at most 6 levels, finite numbers; null deletes.
    /// </summary>
    internal static (JsonObject Patch, long? Version) ParsePatch(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = Common.JsonTree.ReaderMaxDepth });
        long? version = null;
        var patch = new JsonObject();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw ApiException.BadRequest("The body must be a JSON object of desired keys, e.g. {\"relay\":true}.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (name == "version")
                {
                    if (version is not null) throw ApiException.Invalid("version", "appears twice");
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var v)) throw ApiException.Invalid("version", "must be a whole number (the shadow version you read)");
                    version = v;
                    continue;
                }
                if (!Common.FieldName.IsValid(name)) throw ApiException.Invalid(name, "keys are 1-64 letters, digits or '_' and start with a letter or '_'");
                if (patch.ContainsKey(name)) throw ApiException.Invalid(name, "appears twice in the patch");
                if (patch.Count == MaxDesiredKeys) throw ApiException.BadRequest($"A desired patch may set at most {MaxDesiredKeys} keys.");
                if (!Common.JsonTree.TryRead(ref reader, name, 1, allowNull: true, out var value, out var error))
                    throw ApiException.Invalid(FieldOf(error!, name), error!);
                patch[name] = value;
            }
            if (reader.Read()) throw new JsonException("unexpected data after the JSON object");
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest("The body is not valid JSON: " + ex.Message);
        }
        if (patch.Count == 0) throw ApiException.BadRequest("The desired patch has no keys.");
        return (patch, version);
    }

    /// <summary>The path quoted in a <see cref="Common.JsonTree"/> error ("field 'a.b' …"), else the top-level key.</summary>
    private static string FieldOf(string error, string fallback)
    {
        var start = error.IndexOf('\'');
        var end = start < 0 ? -1 : error.IndexOf('\'', start + 1);
        return end > start ? error[(start + 1)..end] : fallback;
    }
}
