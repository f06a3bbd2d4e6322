using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Errors;
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

    /// <summary>POST /devices/:serial/commands body: <c>cmd</c> a name (letters, digits, '_'), <c>params</c> an optional
    /// object merged into the message the device receives, <c>expires_in</c> seconds (60 to 604800, default 3600).</summary>
    public sealed record CommandRequest(string? Cmd, JsonObject? Params, long? ExpiresIn);

    /// <summary>POST /devices/:serial/commands/:id/ack body (see <see cref="CommandAcks"/>).</summary>
    public sealed record AckRequest(string? Id, string Status, string? Result);

    /// <summary>Largest <c>params</c> object, as compact JSON.</summary>
    public const int MaxParamsBytes = 4 * 1024;

    /// <summary>Members every command message carries, so <c>params</c> may not use them.</summary>
    private static readonly string[] Reserved = ["cmd", "id", "issued_at", "expires_at"];

    public static RouteGroupBuilder MapCommandsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/devices/{serial}/reboot", Reboot).WithTags("Commands")
            .Produces<RebootResponse>(StatusCodes.Status202Accepted).ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/devices/{serial}/commands", Poll).WithTags("Commands").AllowAnonymous().VerifiesDeviceCredential() // device credential or bearer
            .Produces<OpenApi.CommandPoll>().Produces(StatusCodes.Status304NotModified).ProducesProblem(401).ProducesProblem(404);
        api.MapPost("/devices/{serial}/commands", Create).WithTags("Commands").Accepts<CommandRequest>("application/json")
            .Produces<CommandDto>(StatusCodes.Status202Accepted).ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/devices/{serial}/commands/recent", Recent).WithTags("Commands").AllowAnonymous().VerifiesDeviceCredential()
            .Produces<CommandDto[]>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404);
        api.MapGet("/devices/{serial}/commands/{id}", GetOne).WithTags("Commands").AllowAnonymous().VerifiesDeviceCredential()
            .Produces<CommandDto>().ProducesProblem(401).ProducesProblem(404);
        api.MapPost("/devices/{serial}/commands/{id}/ack", Ack).WithTags("Commands").AllowAnonymous().VerifiesDeviceCredential()
            .DocumentsJsonBody<AckRequest>().Produces<CommandDto>().ProducesProblem(400).ProducesProblem(401)
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return api;
    }

    /// <summary>Queues a custom command and sends it at once to a listening device (else on its next subscribe or poll).</summary>
    private static async Task<IResult> Create(string serial, RequestContext ctx, DeviceStore devices, CommandStore commands,
        IDeviceGateway gateway, AuditLog audit)
    {
        var device = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        ctx.RequireRole(Roles.Managers);
        var body = await ReadBodyAsync(ctx, 16 * 1024);
        var (cmd, parameters, lifetime) = ParseCommand(body);
        var rec = await commands.CreateAsync(device.Id, cmd, parameters.ToJsonString(), lifetime, ctx.Aborted);
        var delivered = await gateway.SendAsync(serial, DeviceChannel.Commands,
            Encoding.UTF8.GetBytes(CommandMessage.Render(rec).ToJsonString()), ctx.Aborted);
        if (delivered && await commands.MarkDeliveredAsync(rec.Id, "mqtt", ctx.Aborted))
            rec = await commands.GetAsync(device.Id, rec.Id, ctx.Aborted) ?? rec;
        await audit.WriteAsync(ctx.Audit(device.OrgId, AuditActions.CommandSent, "device", serial,
            new { command_id = rec.Id, cmd, delivered_live = delivered }), ctx.Aborted);
        return TypedResults.Accepted($"/api/v1/devices/{serial}/commands/{rec.Id}", CommandDto.From(serial, rec, commands.Now));
    }

    private static Task<byte[]> ReadBodyAsync(RequestContext ctx, int max) => DeviceRequestBody.ReadAsync(ctx.Http.Request, max, ctx.Aborted);

    internal static (string Cmd, JsonObject Params, TimeSpan Lifetime) ParseCommand(ReadOnlySpan<byte> body)
    {
        JsonObject? o;
        try
        {
            o = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject;
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest("The body is not valid JSON (or repeats a key): " + ex.Message);
        }
        if (o is null) throw ApiException.BadRequest("The body must be a JSON object {\"cmd\",\"params\"?,\"expires_in\"?}.");
        foreach (var (key, _) in o)
            if (key is not ("cmd" or "params" or "expires_in")) throw ApiException.Invalid(key, "is not a member of a command (cmd, params, expires_in)");
        var cmd = o["cmd"] is JsonValue c && c.GetValueKind() == JsonValueKind.String ? c.GetValue<string>() : null;
        if (!Common.FieldName.IsValid(cmd)) throw ApiException.Invalid("cmd", "is required: 1-64 letters, digits or '_', starting with a letter or '_' (e.g. set_interval)");
        var parameters = new JsonObject();
        if (o["params"] is { } p)
        {
            if (p is not JsonObject po) throw ApiException.Invalid("params", "must be a JSON object");
            var raw = Encoding.UTF8.GetBytes(po.ToJsonString());
            if (raw.Length > MaxParamsBytes) throw ApiException.Invalid("params", $"is larger than {MaxParamsBytes} bytes");
            var reader = new Utf8JsonReader(raw, new JsonReaderOptions { MaxDepth = Common.JsonTree.ReaderMaxDepth });
            reader.Read();
            if (!Common.JsonTree.TryRead(ref reader, "params", 0, allowNull: false, out var checkedParams, out var error))
                throw ApiException.Invalid("params", error!);
            parameters = (JsonObject)checkedParams!;
            foreach (var reserved in Reserved)
                if (parameters.ContainsKey(reserved)) throw ApiException.Invalid("params." + reserved, "is reserved in every command message");
        }
        var lifetime = CommandStore.Lifetime;
        if (o["expires_in"] is { } e)
        {
            if (e.GetValueKind() != JsonValueKind.Number || !e.AsValue().TryGetValue<long>(out var seconds) || seconds is < 60 or > 604_800)
                throw ApiException.Invalid("expires_in", "must be whole seconds between 60 and 604800 (7 days)");
            lifetime = TimeSpan.FromSeconds(seconds);
        }
        return (cmd!, parameters, lifetime);
    }

    /// <summary>A device's newest commands with their state (newest first): for operators, and for the device itself.</summary>
    private static async Task<IResult> Recent(string serial, int? limit, RequestContext ctx, DeviceStore devices, CommandStore commands)
    {
        var (device, _) = await DeviceCredential.RequireDeviceOrCallerAsync(serial, ctx, devices, write: false);
        var l = limit ?? 20;
        if (l is < 1 or > 200) throw ApiException.Invalid("limit", "must be between 1 and 200");
        var now = commands.Now;
        return TypedResults.Ok((await commands.RecentAsync(device.Id, l, ctx.Aborted)).Select(c => CommandDto.From(serial, c, now)).ToArray());
    }

    private static async Task<IResult> GetOne(string serial, string id, RequestContext ctx, DeviceStore devices, CommandStore commands)
    {
        var (device, _) = await DeviceCredential.RequireDeviceOrCallerAsync(serial, ctx, devices, write: false);
        var c = await commands.GetAsync(device.Id, id, ctx.Aborted) ?? throw ApiException.NotFound($"Command '{id}' not found for device '{serial}'.");
        return TypedResults.Ok(CommandDto.From(serial, c, commands.Now));
    }

    /// <summary>A polling device's answer to a command (its X-Device-Secret credential only): see <see cref="CommandAcks"/>.</summary>
    private static async Task<IResult> Ack(string serial, string id, RequestContext ctx, DeviceStore devices, CommandStore commands, CommandAcks acks)
    {
        var (device, isDevice) = await DeviceCredential.RequireDeviceOrCallerAsync(serial, ctx, devices, write: false);
        if (!isDevice) throw ApiException.Forbidden("Only the device itself (X-Device-Secret) answers its commands.");
        var body = await ReadBodyAsync(ctx, CommandAcks.MaxBytes);
        var ack = CommandAcks.ParseAnswer(body, id, out var field, out var error) ?? throw ApiException.Invalid(field!, error!);
        var (outcome, c) = await acks.ApplyAsync(new DeviceRef(device.Id, device.SerialNo, device.OrgId), ack, "http", ctx.Aborted);
        if (outcome != CommandStore.AckOutcome.Applied) throw CommandAcks.Problem(outcome, id, c, commands.Now);
        return TypedResults.Ok(CommandDto.From(serial, c!, commands.Now));
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
