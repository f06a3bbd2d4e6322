using System.Text.Json.Nodes;
using EdgeConductor.Server.Common;

namespace EdgeConductor.Server.Shadow;

/// <summary>GET /devices/:serial/shadow → {desired, reported, delta, version, metadata}.</summary>
public sealed record ShadowDto(string SerialNo, JsonObject Desired, JsonObject Reported, JsonObject Delta, long Version, JsonObject Metadata)
{
    public static ShadowDto From(string serial, ShadowState s) =>
        new(serial, (JsonObject)s.Desired.DeepClone(), (JsonObject)s.Reported.DeepClone(), s.Delta(), s.Version, RenderMetadata(s.Metadata));

    /// <summary>Metadata with ISO-8601 times: {"desired":{"relay":{"timestamp":"…"}}, "reported":{…}}.</summary>
    private static JsonObject RenderMetadata(JsonObject meta)
    {
        var result = new JsonObject();
        foreach (var section in new[] { "desired", "reported" })
        {
            var outSection = new JsonObject();
            if (meta[section] is JsonObject keys)
                foreach (var (key, ms) in keys)
                    if (ms is JsonValue v && v.TryGetValue<long>(out var t))
                        outSection[key] = new JsonObject { ["timestamp"] = Times.Iso(t) };
            result[section] = outSection;
        }
        return result;
    }
}
