using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeConductor.Server.Telemetry;

/// <summary>
/// A validated device message (seed 001 payloads): a flat JSON object of at most 64 readings, 8 KB at most;
/// values are finite numbers, booleans or strings (null too in shadow/reported, where it deletes a key).
/// An optional <c>ts</c> (ISO-8601, or Unix seconds / milliseconds) sets the reading time; it is not a reading.
/// </summary>
public sealed partial class DevicePayload
{
    public const int MaxBytes = 8 * 1024;
    public const int MaxFields = 64;
    public const int MaxStringLength = 256;
    private static readonly long MinTs = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private const long MaxFutureSkewMs = 5 * 60 * 1000;

    private DevicePayload(long ts, JsonObject fields, string json)
    {
        Ts = ts;
        Fields = fields;
        Json = json;
    }

    /// <summary>Reading time, Unix ms: the payload's <c>ts</c> or the server's receive time.</summary>
    public long Ts { get; }

    /// <summary>The readings, without <c>ts</c>.</summary>
    public JsonObject Fields { get; }

    /// <summary><see cref="Fields"/> as compact JSON text.</summary>
    public string Json { get; }

    /// <summary>Parses and validates; on failure returns null and a message that names the problem.</summary>
    public static DevicePayload? TryParse(ReadOnlySpan<byte> utf8, long receivedAtMs, bool allowNull, out string? error)
    {
        error = null;
        if (utf8.Length > MaxBytes) { error = $"payload is {utf8.Length} bytes; the limit is {MaxBytes}"; return null; }
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 4 });
            doc = JsonDocument.ParseValue(ref reader);
            // ParseValue stops after the first value: "{...} junk" or "{...}{...}" must not pass as valid.
            try
            {
                if (reader.Read()) throw new JsonException("unexpected data after the JSON object");
            }
            catch (JsonException)
            {
                doc.Dispose();
                throw;
            }
        }
        catch (JsonException ex)
        {
            error = "payload is not valid JSON: " + ex.Message;
            return null;
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) { error = "payload must be a JSON object"; return null; }
            var fields = new JsonObject();
            long ts = receivedAtMs;
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "ts")
                {
                    if (!TryReadTs(p.Value, out ts)) { error = "ts must be an ISO-8601 time or Unix seconds/milliseconds"; return null; }
                    if (ts < MinTs || ts > receivedAtMs + MaxFutureSkewMs) { error = "ts is out of range (before 2000 or in the future)"; return null; }
                    continue;
                }
                if (!Common.FieldName.IsValid(p.Name)) { error = $"field '{Trim(p.Name)}': names are 1-64 letters, digits or '_' and start with a letter or '_'"; return null; }
                if (fields.ContainsKey(p.Name)) { error = $"field '{p.Name}' appears twice"; return null; }
                if (fields.Count == MaxFields) { error = $"payload has more than {MaxFields} fields"; return null; }
                JsonNode? value;
                switch (p.Value.ValueKind)
                {
                    case JsonValueKind.Number:
                        if (!p.Value.TryGetDouble(out var d) || !double.IsFinite(d)) { error = $"field '{p.Name}' is not a finite number"; return null; }
                        // Integers stay exact (a counter or an id beyond 2^53 too); the rest as the shortest double that round-trips.
                        // (Cloning the element instead would allocate a JsonDocument per reading.)
                        value = p.Value.TryGetInt64(out var whole) ? JsonValue.Create(whole) : JsonValue.Create(d);
                        break;
                    case JsonValueKind.True:
                    case JsonValueKind.False:
                        value = JsonValue.Create(p.Value.GetBoolean());
                        break;
                    case JsonValueKind.String:
                        var s = p.Value.GetString()!;
                        if (s.Length > MaxStringLength) { error = $"field '{p.Name}' is longer than {MaxStringLength} characters"; return null; }
                        value = JsonValue.Create(s);
                        break;
                    case JsonValueKind.Null when allowNull:
                        value = null;
                        break;
                    default:
                        error = $"field '{p.Name}' must be a number, boolean or string";
                        return null;
                }
                fields[p.Name] = value;
            }
            if (fields.Count == 0) { error = "payload has no fields"; return null; }
            return new DevicePayload(ts, fields, fields.ToJsonString());
        }
    }

    private static bool TryReadTs(JsonElement v, out long ms)
    {
        ms = 0;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var n) && double.IsFinite(n))
        {
            ms = n < 100_000_000_000 ? (long)(n * 1000) : (long)n; // seconds below ~year 5138, else milliseconds
            return true;
        }
        if (v.ValueKind == JsonValueKind.String &&
            DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            ms = t.ToUnixTimeMilliseconds();
            return true;
        }
        return false;
    }

    private static string Trim(string s) => s.Length > 40 ? s[..40] + "…" : s;

}
