using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeConductor.Sdk.Telemetry;

/// <summary>
/// One telemetry reading. On the wire it is a flat object, <c>{"ts": "…", "temp": 24.5, …}</c>: <see cref="Data"/> holds
/// every member except <c>ts</c>.
/// </summary>
/// <param name="Ts">When the reading was taken (or received).</param>
/// <param name="Data">The readings, a JSON object such as <c>{"temp":24.5,"hum":60}</c>.</param>
[JsonConverter(typeof(TelemetryRecordConverter))]
public sealed record TelemetryRecord(DateTimeOffset Ts, JsonElement Data)
{
    /// <summary>The reading named <paramref name="key"/> as a number, or null if absent or not a number.</summary>
    public double? GetNumber(string key) =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
