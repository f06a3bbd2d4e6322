using System.Text.Json.Nodes;

namespace EdgeConductor.Server.Commands;

/// <summary>The JSON a device receives on devices/{serial}/commands: {"cmd":"reboot","id":"…", …params, "issued_at", "expires_at"}.</summary>
public static class CommandMessage
{
    public static JsonObject Render(CommandStore.CommandRecord c)
    {
        var msg = new JsonObject { ["cmd"] = c.Cmd, ["id"] = c.Id };
        if (JsonNode.Parse(c.Payload) is JsonObject args)
            foreach (var (k, v) in args) msg[k] = v?.DeepClone();
        msg["issued_at"] = Common.Times.Iso(c.CreatedAt);
        msg["expires_at"] = Common.Times.Iso(c.ExpiresAt);
        return msg;
    }
}
