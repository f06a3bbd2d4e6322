using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Live;

namespace EdgeConductor.Server.Commands;

/// <summary>
/// A device's answer to a command, over MQTT on <c>devices/{serial}/commands/ack</c> or HTTPS
/// (<c>POST /devices/:serial/commands/:id/ack</c>): <c>{"id":"…","status":"accepted"|"succeeded"|"failed","result":"…"?}</c>.
/// <c>accepted</c> (also spelled <c>acknowledged</c>) means the device took the command; <c>succeeded</c> / <c>failed</c>
/// are final. <c>result</c> is optional text (at most <see cref="MaxResultLength"/> characters): what the device did, or why it failed.
/// Applying one publishes the live <c>command</c> event.
/// </summary>
public sealed class CommandAcks(CommandStore commands, DeviceEventHub hub)
{
    public const int MaxResultLength = 1024;
    public const int MaxBytes = 4 * 1024;

    private static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>A parsed answer; <see cref="Status"/> is a <see cref="CommandStore.States"/> name.</summary>
    public sealed record Ack(string Id, string Status, string? Result);

    /// <summary>
    /// Parses an answer. <paramref name="idFromPath"/> (HTTPS) makes <c>id</c> optional in the body; when both are given they
    /// must agree. Returns null and an error naming the field on bad input.
    /// </summary>
    public static Ack? ParseAnswer(ReadOnlySpan<byte> utf8, string? idFromPath, out string? field, out string? error)
    {
        field = null;
        error = null;
        if (utf8.Length > MaxBytes) { (field, error) = ("body", $"is larger than {MaxBytes} bytes"); return null; }
        JsonObject? o;
        try
        {
            o = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject;
        }
        catch (JsonException ex)
        {
            (field, error) = ("body", "is not valid JSON (or repeats a key): " + ex.Message);
            return null;
        }
        if (o is null) { (field, error) = ("body", "must be a JSON object {\"id\",\"status\",\"result\"?}"); return null; }
        string? id = idFromPath;
        if (o["id"] is { } idNode)
        {
            if (idNode.GetValueKind() != JsonValueKind.String) { (field, error) = ("id", "must be the command id (a string)"); return null; }
            var bodyId = idNode.GetValue<string>();
            if (idFromPath is not null && bodyId != idFromPath) { (field, error) = ("id", "does not match the command id in the path"); return null; }
            id = bodyId;
        }
        if (string.IsNullOrEmpty(id)) { (field, error) = ("id", "is required: the id of the command answered"); return null; }
        var status = o["status"] is JsonValue sv && sv.GetValueKind() == JsonValueKind.String ? sv.GetValue<string>() : null;
        var mapped = status switch
        {
            "accepted" or "acknowledged" => CommandStore.States.Acknowledged,
            "succeeded" => CommandStore.States.Succeeded,
            "failed" => CommandStore.States.Failed,
            _ => null,
        };
        if (mapped is null) { (field, error) = ("status", "must be accepted, succeeded or failed"); return null; }
        string? result = null;
        if (o["result"] is { } r)
        {
            if (r.GetValueKind() != JsonValueKind.String) { (field, error) = ("result", "must be a string"); return null; }
            result = r.GetValue<string>();
            if (result.Length > MaxResultLength) { (field, error) = ("result", $"is longer than {MaxResultLength} characters"); return null; }
        }
        foreach (var (key, _) in o)
            if (key is not ("id" or "status" or "result")) { (field, error) = (key, "is not a member of a command answer (id, status, result)"); return null; }
        return new Ack(id, mapped, result);
    }

    /// <summary>Applies an answer of <paramref name="device"/>; <paramref name="via"/> is mqtt or http.</summary>
    public async Task<(CommandStore.AckOutcome Outcome, CommandStore.CommandRecord? Command)> ApplyAsync(DeviceRef device, Ack ack, string via, CancellationToken ct)
    {
        var (outcome, command) = await commands.AckAsync(device.Id, ack.Id, ack.Status, ack.Result, via, ct);
        if (outcome == CommandStore.AckOutcome.Applied && command is not null)
            hub.Publish(new DeviceEvent("command", device.Serial, device.OrgId,
                JsonSerializer.Serialize(CommandDto.From(device.Serial, command, commands.Now), EventJson)));
        return (outcome, command);
    }

    /// <summary>The HTTP answer for an outcome that is not <see cref="CommandStore.AckOutcome.Applied"/>.</summary>
    public static ApiException Problem(CommandStore.AckOutcome outcome, string id, CommandStore.CommandRecord? c, long now) => outcome switch
    {
        CommandStore.AckOutcome.NotFound => ApiException.NotFound($"Command '{id}' not found for this device."),
        CommandStore.AckOutcome.Expired => ApiException.Conflict($"Command '{id}' expired before it was answered."),
        _ => ApiException.Conflict($"Command '{id}' already ended as {c?.StateAt(now)}."),
    };
}
