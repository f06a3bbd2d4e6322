using System.Text.Json.Nodes;
using EdgeConductor.Server.Common;

namespace EdgeConductor.Server.Shadow;

/// <summary>GET /devices/:serial/shadow → {desired, reported, delta, version, metadata}.</summary>
public sealed record ShadowDto(string SerialNo, JsonObject Desired, JsonObject Reported, JsonObject Delta, long Version, JsonObject Metadata)
{
    public static ShadowDto From(string serial, ShadowState s) =>
        new(serial, (JsonObject)s.Desired.DeepClone(), (JsonObject)s.Reported.DeepClone(), s.Delta(), s.Version, RenderMetadata(s.Metadata));

    /// <summary>
    /// Metadata with ISO-8601 times per leaf, mirroring the documents (AWS IoT shadow style):
    /// <c>{"desired":{"relay":{"timestamp":"…"},"hvac":{"mode":{"timestamp":"…"}}}, "reported":{…}}</c>.
    /// </summary>
    private static JsonObject RenderMetadata(JsonObject meta)
    {
        var result = new JsonObject();
        foreach (var section in new[] { "desired", "reported" })
            result[section] = meta[section] is JsonObject keys ? Render(keys) : new JsonObject();
        return result;
    }

    private static JsonObject Render(JsonObject stamps)
    {
        var o = new JsonObject();
        foreach (var (key, node) in stamps)
        {
            if (node is JsonValue v && v.TryGetValue<long>(out var t)) o[key] = new JsonObject { ["timestamp"] = Times.Iso(t) };
            else if (node is JsonObject nested) o[key] = Render(nested);
        }
        return o;
    }
}
