using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeConductor.Server.Telemetry;

/// <summary>
/// A validated device reading (seed 001 payloads): a JSON object of at most 64 top-level fields, 8 KB at most; values
/// are finite numbers, booleans, strings, arrays or objects nested at most <see cref="Common.JsonTree.MaxDepth"/> levels
/// (null too in shadow/reported, where it deletes a key). An optional <c>ts</c> (see <see cref="TryReadTs"/>) sets the
/// reading time; it is not a reading. A message may carry an array of readings (<see cref="TryParseMessage"/>).
/// </summary>
public sealed partial class DevicePayload
{
    public const int MaxBytes = 8 * 1024;
    public const int MaxFields = 64;
    public const int MaxStringLength = Common.JsonTree.MaxStringLength;
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

    /// <summary>Most readings one message may carry (a JSON array or NDJSON lines of reading objects).</summary>
    public const int MaxBatchReadings = 1000;

    /// <summary>Largest message carrying an array of readings (each reading stays within <see cref="MaxBytes"/>).</summary>
    public const int MaxBatchBytes = 256 * 1024;

    /// <summary>Whether <see cref="Ts"/> came from the device (a <c>ts</c> member) rather than the receive time.</summary>
    public bool HasTs { get; private init; }

    /// <summary>
    /// Parses and validates in one pass over the bytes (this runs for every message a device sends); on failure returns
    /// null and a message that names the problem.
    /// </summary>
    public static DevicePayload? TryParse(ReadOnlySpan<byte> utf8, long receivedAtMs, bool allowNull, out string? error)
    {
        error = null;
        if (utf8.Length > MaxBytes) { error = $"payload is {utf8.Length} bytes; the limit is {MaxBytes}"; return null; }
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = Common.JsonTree.ReaderMaxDepth });
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
            var payload = ReadObject(ref reader, receivedAtMs, allowNull, out error);
            if (payload is null) return null;
            EnsureEnd(ref reader);
            return payload;
        }
        catch (JsonException ex)
        {
            error = "payload is not valid JSON: " + ex.Message;
            return null;
        }
    }

    /// <summary>
    /// A device message: one reading object, or a JSON array of 1 to <see cref="MaxBatchReadings"/> reading objects (a
    /// buffered upload), each with its own optional <c>ts</c>. All or nothing: the first bad reading fails the whole
    /// message, and the error names its index (<c>reading [3]: …</c>).
    /// </summary>
    public static IReadOnlyList<DevicePayload>? TryParseMessage(ReadOnlySpan<byte> utf8, long receivedAtMs, bool allowNull, out string? error)
    {
        var start = utf8.IndexOfAnyExcept(" \t\r\n"u8);
        if (start < 0 || utf8[start] != (byte)'[')
            return TryParse(utf8, receivedAtMs, allowNull, out error) is { } single ? [single] : null;
        error = null;
        if (utf8.Length > MaxBatchBytes) { error = $"payload is {utf8.Length} bytes; the limit for an array of readings is {MaxBatchBytes}"; return null; }
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = Common.JsonTree.ReaderMaxDepth + 1 });
        var list = new List<DevicePayload>();
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var index = list.Count;
                if (index == MaxBatchReadings) { error = $"payload has more than {MaxBatchReadings} readings"; return null; }
                if (reader.TokenType != JsonTokenType.StartObject) { error = $"reading [{index}]: must be a JSON object"; return null; }
                var begin = reader.TokenStartIndex;
                var payload = ReadObject(ref reader, receivedAtMs, allowNull, out var inner);
                if (payload is null) { error = $"reading [{index}]: {inner}"; return null; }
                if (reader.BytesConsumed - begin > MaxBytes) { error = $"reading [{index}]: is larger than {MaxBytes} bytes"; return null; }
                list.Add(payload);
            }
            EnsureEnd(ref reader);
        }
        catch (JsonException ex)
        {
            error = "payload is not valid JSON: " + ex.Message;
            return null;
        }
        if (list.Count == 0) { error = "the array has no readings"; return null; }
        return list;
    }

    /// <summary>Reads the object at the reader's StartObject (leaving the reader on its EndObject).</summary>
    private static DevicePayload? ReadObject(ref Utf8JsonReader reader, long receivedAtMs, bool allowNull, out string? error)
    {
        error = null;
        var readings = new List<KeyValuePair<string, JsonNode?>>(8);
        var ts = receivedAtMs;
        var hasTs = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (name == "ts")
            {
                if (hasTs) { error = "field 'ts' appears twice"; return null; }
                if (!TryReadTs(ref reader, out ts))
                {
                    error = "ts must be Unix seconds or milliseconds (a number) or an RFC 3339 date-time with a zone, e.g. 2026-11-30T12:00:00Z";
                    return null;
                }
                if (ts < MinTs) { error = "ts is before 2000-01-01"; return null; }
                if (ts > receivedAtMs + MaxFutureSkewMs) { error = $"ts is more than {MaxFutureSkewMs / 60_000} minutes in the future"; return null; }
                hasTs = true;
                continue;
            }
            if (!Common.FieldName.IsValid(name)) { error = $"field '{Trim(name)}': names are 1-64 letters, digits or '_' and start with a letter or '_'"; return null; }
            if (Contains(readings, name)) { error = $"field '{name}' appears twice"; return null; }
            if (readings.Count == MaxFields) { error = $"payload has more than {MaxFields} fields"; return null; }
            if (!Common.JsonTree.TryRead(ref reader, name, 1, allowNull, out var value, out error)) return null;
            readings.Add(new(name, value));
        }
        if (readings.Count == 0) { error = "payload has no fields"; return null; }
        return new DevicePayload(ts, readings, ToJson(readings)) { HasTs = hasTs };
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

    /// <summary>
    /// The <c>ts</c> rule: a number is Unix seconds when below 10^11 (that is, before the year 5138) and Unix milliseconds
    /// otherwise; a string must be an RFC 3339 / ISO-8601 date-time WITH a zone (<c>Z</c> or an offset such as
    /// <c>+02:00</c>), seconds and fraction optional. Anything else (<c>"12:00"</c>, <c>"03/04/2026"</c>, a date without
    /// a time or without a zone) is refused rather than guessed.
    /// </summary>
    internal static bool TryReadTs(ref Utf8JsonReader reader, out long ms)
    {
        ms = 0;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var n) && double.IsFinite(n))
        {
            ms = Math.Abs(n) < 100_000_000_000 ? (long)Math.Round(n * 1000) : (long)n;
            return true;
        }
        return reader.TokenType == JsonTokenType.String && TryParseTime(reader.GetString()!, out ms);
    }

    /// <summary>An RFC 3339 date-time with a zone (see <see cref="TryReadTs"/>) as Unix ms.</summary>
    public static bool TryParseTime(string text, out long ms)
    {
        ms = 0;
        if (!Rfc3339().IsMatch(text)) return false;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return false;
        ms = t.ToUnixTimeMilliseconds();
        return true;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})\z")]
    private static partial System.Text.RegularExpressions.Regex Rfc3339();

    private static string Trim(string s) => s.Length > 40 ? s[..40] + "…" : s;

}
