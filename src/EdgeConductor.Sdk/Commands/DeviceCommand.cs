using System.Text.Json;

namespace EdgeConductor.Sdk.Commands;

/// <summary>
/// A device command and where it stands (<c>GET /devices/{serial}/commands/{id}</c>).
/// </summary>
/// <param name="Id">The command id (the device answers with it).</param>
/// <param name="SerialNo">The device.</param>
/// <param name="Cmd">The command name, e.g. <c>reboot</c> or a custom one such as <c>set_interval</c>.</param>
/// <param name="Params">The parameters sent with it (a JSON object; empty for reboot).</param>
/// <param name="State">One of <see cref="CommandStates"/>: queued, sent, acknowledged, succeeded, failed, expired.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="ExpiresAt">When it expires unless the device gives a final answer first.</param>
/// <param name="SentAt">When it was delivered (over MQTT, or in the device's poll); null while queued.</param>
/// <param name="SentVia"><c>mqtt</c> or <c>http</c>.</param>
/// <param name="AcknowledgedAt">When the device accepted it.</param>
/// <param name="CompletedAt">When the device reported success or failure.</param>
/// <param name="Result">The device's result or error text, if it sent one.</param>
public sealed record DeviceCommand(string Id, string SerialNo, string Cmd, JsonElement Params, string State, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, DateTimeOffset? SentAt, string? SentVia, DateTimeOffset? AcknowledgedAt, DateTimeOffset? CompletedAt, string? Result)
{
    /// <summary>True once the command can no longer change: succeeded, failed or expired.</summary>
    public bool IsFinal => State is CommandStates.Succeeded or CommandStates.Failed or CommandStates.Expired;
}

/// <summary>The states of a command's lifecycle: queued → sent → acknowledged → succeeded | failed | expired.</summary>
public static class CommandStates
{
    /// <summary>Stored, not delivered yet.</summary>
    public const string Queued = "queued";
    /// <summary>Delivered to the device (MQTT or its poll), no answer yet.</summary>
    public const string Sent = "sent";
    /// <summary>The device accepted it and is carrying it out.</summary>
    public const string Acknowledged = "acknowledged";
    /// <summary>The device reported success (final).</summary>
    public const string Succeeded = "succeeded";
    /// <summary>The device reported failure (final).</summary>
    public const string Failed = "failed";
    /// <summary>No final answer before it expired (final).</summary>
    public const string Expired = "expired";
}
