using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EdgeConductor.Server.OpenApi;

/// <summary>
/// One stored telemetry reading as <c>GET /devices/:serial/telemetry</c> and <c>/telemetry/recent</c> write it (the
/// handlers write JSON text themselves, so this type only describes it): <c>ts</c> (ISO-8601 UTC) followed by the
/// reading's own fields as the device sent them (numbers, strings, booleans, objects).
/// </summary>
public sealed record TelemetryRecord(DateTime Ts)
{
    /// <summary>The reading's fields (temp, hum, co2, bat, …).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Fields { get; init; }
}

/// <summary>
/// The answer of <c>GET /devices/:serial/commands</c> (a polling device's work; written by <c>CommandsApi.Poll</c> as a
/// JSON object): the desired-state delta, pending commands, and — from OTA — <c>fw_url</c>/<c>fw_version</c> when an
/// update waits.
/// </summary>
public sealed record CommandPoll(string SerialNo, long Version, JsonObject Desired, bool Reboot, JsonObject[] Commands)
{
    /// <summary>Download address of a pending firmware update (signed for the device), absent when none.</summary>
    public string? FwUrl { get; init; }

    /// <summary>Version of that update, absent when none.</summary>
    public string? FwVersion { get; init; }

    /// <summary>sha256 (hex) of the update's file, absent when none.</summary>
    public string? FwSha256 { get; init; }

    /// <summary>Size of the update's file in bytes, absent when none.</summary>
    public long? FwSize { get; init; }

    /// <summary>The OTA job the update belongs to, absent when none or pushed singly.</summary>
    public string? FwJobId { get; init; }

    /// <summary>Base64 signature of the file when the release is signed.</summary>
    public string? FwSignature { get; init; }
}
