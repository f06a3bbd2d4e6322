using System.Text.Json;

namespace EdgeConductor.Sdk.Live;

/// <summary>
/// One event of a live stream (<c>GET /devices/{serial}/stream</c> or <c>GET /orgs/{id}/stream</c>).
/// </summary>
/// <param name="Type">
/// The event type: <c>telemetry</c> (Data: <c>{"serial_no","ts","data":{…reading}}</c>) or <c>shadow</c>
/// (Data: <c>{"serial_no","desired","reported","delta","version"}</c>); org streams also carry the notification bell's
/// events. Unknown types are passed through so newer servers do not break older clients.
/// </param>
/// <param name="SerialNo">The device the event is about, when the data names one.</param>
/// <param name="Data">The event's JSON data.</param>
public sealed record LiveEvent(string Type, string? SerialNo, JsonElement Data)
{
    /// <summary>The telemetry event type.</summary>
    public const string Telemetry = "telemetry";

    /// <summary>The shadow event type.</summary>
    public const string Shadow = "shadow";
}
