using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeConductor.Server.Common;

/// <summary>
/// Reads one JSON value that a client or device sends as data (a telemetry reading, reported or desired shadow state)
/// into a <see cref="JsonNode"/>, enforcing in the same pass the rules every such document obeys:
/// <list type="bullet">
/// <item>member names are <see cref="FieldName"/>s, and a name appears at most once per object (RFC 8259 §4 leaves
/// duplicates to the implementation; we refuse them everywhere alike, naming the key);</item>
/// <item>numbers are finite doubles (<see cref="JsonNumbers"/>), strings at most <see cref="MaxStringLength"/> characters;</item>
/// <item>objects nest at most <see cref="MaxDepth"/> levels: a leaf path has at most 6 names (<c>a.b.c.d.e.f</c>);
/// an array counts as a level too;</item>
/// <item><c>null</c> only as an object member and only where the caller allows it (a shadow patch, where it deletes that
/// member); never inside an array.</item>
/// </list>
/// Errors name the path of the offending member (<c>a.b</c>, <c>list[2]</c>).
/// </summary>
public static class JsonTree
{
    /// <summary>The longest path to a leaf, in names (and array levels): top-level members are at level 1, so an object or array at level 6 is refused.</summary>
    public const int MaxDepth = 6;

    /// <summary>The longest string value, in UTF-16 characters.</summary>
    public const int MaxStringLength = 256;

    /// <summary>A <see cref="JsonReaderOptions.MaxDepth"/> deep enough for <see cref="MaxDepth"/> plus the wrapping document and array.</summary>
    public const int ReaderMaxDepth = MaxDepth + 4;

    /// <summary>
    /// Reads the value at the reader's current token (a member value at nesting <paramref name="depth"/>, 1 for a top-level
    /// member) and leaves the reader on its last token. <paramref name="path"/> names the value in errors.
    /// </summary>
    public static bool TryRead(ref Utf8JsonReader reader, string path, int depth, bool allowNull, out JsonNode? value, out string? error)
    {
        value = null;
        error = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (!JsonNumbers.TryRead(ref reader, out var d)) { error = $"field '{path}' {JsonNumbers.Rule}"; return false; }
                // Integers stay exact (a counter or an id beyond 2^53 too); the rest as the shortest double that round-trips.
                value = reader.TryGetInt64(out var whole) ? JsonValue.Create(whole) : JsonValue.Create(d);
                return true;
            case JsonTokenType.True:
            case JsonTokenType.False:
                value = JsonValue.Create(reader.GetBoolean());
                return true;
            case JsonTokenType.String:
                var text = reader.GetString()!;
                if (text.Length > MaxStringLength) { error = $"field '{path}' is longer than {MaxStringLength} characters"; return false; }
                value = JsonValue.Create(text);
                return true;
            case JsonTokenType.Null when allowNull:
                return true;
            case JsonTokenType.Null:
                error = $"field '{path}' is null; null is only allowed in a shadow patch, to delete a key";
                return false;
            case JsonTokenType.StartObject:
                if (depth >= MaxDepth) { error = $"field '{path}' nests deeper than {MaxDepth} levels"; return false; }
                var obj = new JsonObject();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    var childPath = path + "." + name;
                    if (!FieldName.IsValid(name)) { error = $"field '{Trim(childPath)}': names are 1-64 letters, digits or '_' and start with a letter or '_'"; return false; }
                    if (obj.ContainsKey(name)) { error = $"field '{childPath}' appears twice"; return false; }
                    reader.Read();
                    if (!TryRead(ref reader, childPath, depth + 1, allowNull, out var child, out error)) return false;
                    obj[name] = child;
                }
                value = obj;
                return true;
            case JsonTokenType.StartArray:
                if (depth >= MaxDepth) { error = $"field '{path}' nests deeper than {MaxDepth} levels"; return false; }
                var array = new JsonArray();
                var i = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (!TryRead(ref reader, $"{path}[{i++}]", depth + 1, allowNull: false, out var item, out error)) return false;
                    array.Add(item);
                }
                value = array;
                return true;
            default:
                error = $"field '{path}' must be a number, boolean, string, object or array";
                return false;
        }
    }

    private static string Trim(string s) => s.Length > 80 ? s[..80] + "…" : s;
}
