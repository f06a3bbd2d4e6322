using System.Text.Json.Nodes;
using EdgeConductor.Server.Common;

namespace EdgeConductor.Server.Commands;

/// <summary>
/// A command as the API shows it (GET /devices/:serial/commands/:id, the recent list, POST answers): <c>state</c> is one of
/// queued, sent, acknowledged, succeeded, failed, expired (<see cref="CommandStore"/>); times are ISO-8601 UTC, null until
/// reached; <c>sent_via</c> is mqtt or http; <c>result</c> is the device's result or error text.
/// </summary>
public sealed record CommandDto(string Id, string SerialNo, string Cmd, JsonObject Params, string State, DateTime CreatedAt,
    DateTime ExpiresAt, DateTime? SentAt, string? SentVia, DateTime? AcknowledgedAt, DateTime? CompletedAt, string? Result)
{
    public static CommandDto From(string serial, CommandStore.CommandRecord c, long now) =>
        new(c.Id, serial, c.Cmd, JsonNode.Parse(c.Payload) as JsonObject ?? new JsonObject(), c.StateAt(now), Times.ToUtc(c.CreatedAt),
            Times.ToUtc(c.ExpiresAt), Times.ToUtc(c.DeliveredAt), c.DeliveredVia, Times.ToUtc(c.AckedAt), Times.ToUtc(c.CompletedAt), c.Result);
}
