using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeConductor.Server.Telemetry;

/// <summary>
/// A validated device message (seed 001 payloads): a flat JSON object of at most 64 readings, 8 KB at most;
/// values are finite numbers, booleans or strings (null too in shadow/reported, where it deletes a key).
/// An optional <c>ts</c> (ISO-8601, or Unix seconds / milliseconds) sets the reading time; it is not a reading.
/// </summary>
public sealed class DevicePayload
{
    public const int MaxBytes = 8 * 1024;
    public const int MaxFields = 64;
    public const int MaxStringLength = 256;
    private static readonly long MinTs = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private const long MaxFutureSkewMs = 5 * 60 * 1000;

    private DevicePayload(long ts, List<KeyValuePair<string, JsonNode?>> readings, byte[] jsonUtf8)
    {
        Ts = ts;
        Readings = readings;
        JsonUtf8 = jsonUtf8;
    }

    /// <summary>Reading time, Unix ms: the payload's <c>ts</c> or the server's receive time.</summary>
    public long Ts { get; }

    /// <summary>The readings in the order sent, without <c>ts</c> (a null value deletes a key from shadow/reported).</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Readings { get; }

    /// <summary>The readings as compact JSON, UTF-8 encoded, as stored (SQLite takes these bytes as they are).</summary>
    public byte[] JsonUtf8 { get; }

    /// <summary><see cref="JsonUtf8"/> as a string.</summary>
    public string Json => Encoding.UTF8.GetString(JsonUtf8);

    /// <summary>A fresh copy of the readings as a JSON object (for live events).</summary>
    public JsonObject ToJsonObject()
    {
        var o = new JsonObject();
        foreach (var (key, value) in Readings) o[key] = value?.DeepClone();
        return o;
    }

    /// <summary>
    /// Parses and validates in one pass over the bytes (no JsonDocument, no JsonObject: this runs for every message a
    /// device sends); on failure returns null and a message that names the problem.
    /// </summary>
    public static DevicePayload? TryParse(ReadOnlySpan<byte> utf8, long receivedAtMs, bool allowNull, out string? error)
    {
        error = null;
        if (utf8.Length > MaxBytes) { error = $"payload is {utf8.Length} bytes; the limit is {MaxBytes}"; return null; }
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 4 });
        var readings = new List<KeyValuePair<string, JsonNode?>>(8);
        var ts = receivedAtMs;
        try
        {
            if (!reader.Read()) throw new JsonException("the payload is empty");
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip(); // invalid JSON still reads as invalid JSON
                EnsureEnd(ref reader);
                error = "payload must be a JSON object";
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (name == "ts")
                {
                    if (!TryReadTs(ref reader, out ts)) { error = "ts must be an ISO-8601 time or Unix seconds/milliseconds"; return null; }
                    if (ts < MinTs || ts > receivedAtMs + MaxFutureSkewMs) { error = "ts is out of range (before 2000 or in the future)"; return null; }
                    continue;
                }
                if (!Common.FieldName.IsValid(name)) { error = $"field '{Trim(name)}': names are 1-64 letters, digits or '_' and start with a letter or '_'"; return null; }
                if (Contains(readings, name)) { error = $"field '{name}' appears twice"; return null; }
                if (readings.Count == MaxFields) { error = $"payload has more than {MaxFields} fields"; return null; }
                JsonNode? value;
                switch (reader.TokenType)
                {
                    case JsonTokenType.Number:
                        if (!Common.JsonNumbers.TryRead(ref reader, out var d)) { error = $"field '{name}' {Common.JsonNumbers.Rule}"; return null; }
                        // Integers stay exact (a counter or an id beyond 2^53 too); the rest as the shortest double that round-trips.
                        value = reader.TryGetInt64(out var whole) ? JsonValue.Create(whole) : JsonValue.Create(d);
                        break;
                    case JsonTokenType.True:
                    case JsonTokenType.False:
                        value = JsonValue.Create(reader.GetBoolean());
                        break;
                    case JsonTokenType.String:
                        var text = reader.GetString()!;
                        if (text.Length > MaxStringLength) { error = $"field '{name}' is longer than {MaxStringLength} characters"; return null; }
                        value = JsonValue.Create(text);
                        break;
                    case JsonTokenType.Null when allowNull:
                        value = null;
                        break;
                    default:
                        error = $"field '{name}' must be a number, boolean or string";
                        return null;
                }
                readings.Add(new(name, value));
            }
            EnsureEnd(ref reader);
        }
        catch (JsonException ex)
        {
            error = "payload is not valid JSON: " + ex.Message;
            return null;
        }
        if (readings.Count == 0) { error = "payload has no fields"; return null; }
        return new DevicePayload(ts, readings, ToJson(readings));
    }

    /// <summary>The value just read must be the whole input: "{...} junk" or "{...}{...}" does not pass as valid.</summary>
    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        if (reader.Read()) throw new JsonException("unexpected data after the JSON object");
    }

    private static bool Contains(List<KeyValuePair<string, JsonNode?>> readings, string name)
    {
        foreach (var (key, _) in readings)
        {
            if (key == name) return true;
        }
        return false;
    }

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;

    private static byte[] ToJson(List<KeyValuePair<string, JsonNode?>> readings)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in readings)
            {
                writer.WritePropertyName(key);
                if (value is null) writer.WriteNullValue();
                else value.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static bool TryReadTs(ref Utf8JsonReader reader, out long ms)
    {
        ms = 0;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var n) && double.IsFinite(n))
        {
            ms = n < 100_000_000_000 ? (long)(n * 1000) : (long)n; // seconds below ~year 5138, else milliseconds
            return true;
        }
        if (reader.TokenType == JsonTokenType.String &&
            DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            ms = t.ToUnixTimeMilliseconds();
            return true;
        }
        return false;
    }

    private static string Trim(string s) => s.Length > 40 ? s[..40] + "…" : s;

}
