using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace EdgeConductor.Server.Webhooks;

/// <summary>
/// How a payload is rendered for a chat service instead of the raw seed 001 JSON. <c>slack</c>: a Slack incoming webhook,
/// body <c>{"text": "..."}</c>. <c>telegram</c>: the Bot API's sendMessage
/// (<c>https://api.telegram.org/bot&lt;token&gt;/sendMessage?chat_id=&lt;chat&gt;</c>), body <c>{"chat_id", "text"}</c> with the
/// chat taken from the URL's <c>chat_id</c> query parameter.
/// </summary>
public static class WebhookPresets
{
    /// <summary>Slack incoming webhook.</summary>
    public const string Slack = "slack";

    /// <summary>Telegram bot sendMessage.</summary>
    public const string Telegram = "telegram";

    /// <summary>The request body for <paramref name="preset"/> (null = the payload itself, compact JSON).</summary>
    public static string Render(string? preset, JsonObject payload, string url) => preset switch
    {
        Slack => new JsonObject { ["text"] = Text(payload) }.ToJsonString(),
        Telegram => new JsonObject { ["chat_id"] = TelegramChatId(url), ["text"] = Text(payload) }.ToJsonString(),
        _ => payload.ToJsonString(),
    };

    /// <summary>The <c>chat_id</c> query parameter of <paramref name="url"/>, or null.</summary>
    public static string? TelegramChatId(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return null;
        var q = QueryHelpers.ParseQuery(uri.Query);
        return q.TryGetValue("chat_id", out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString() : null;
    }

    /// <summary>
    /// A one-line readable message. For <c>rule_fired</c>: <c>Rule "CO2 high" fired on EC-001: relay = true (threshold, 2026-11-30T22:00:00.000Z)</c>;
    /// other events: the event name and the payload as JSON.
    /// </summary>
    public static string Text(JsonObject payload)
    {
        var ev = Str(payload["event"]) ?? "event";
        if (ev != "rule_fired") return $"EdgeConductor {ev}: {payload.ToJsonString()}";
        var action = payload["action"] as JsonObject;
        var key = Str(action?["key"]) ?? "?";
        var value = action?["value"]?.ToJsonString() ?? "null";
        return $"Rule \"{Str(payload["rule_name"]) ?? "?"}\" fired on {Str(payload["device_serial"]) ?? "?"}: {key} = {value} " +
               $"({Str(payload["rule_type"]) ?? "?"}, {Str(payload["triggered_at"]) ?? "?"})";
    }

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : n?.ToJsonString();
}
