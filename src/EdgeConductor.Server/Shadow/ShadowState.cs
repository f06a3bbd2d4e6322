using System.Text.Json.Nodes;

namespace EdgeConductor.Server.Shadow;

/// <summary>
/// A device shadow (AWS IoT Device Shadow semantics): desired and reported documents, a version incremented on
/// every change, and per-key update times in <see cref="Metadata"/> (<c>{"desired":{"k":ms},"reported":{"k":ms}}</c>).
/// </summary>
public sealed class ShadowState(JsonObject desired, JsonObject reported, JsonObject metadata, long version)
{
    public JsonObject Desired { get; } = desired;
    public JsonObject Reported { get; } = reported;
    public JsonObject Metadata { get; } = metadata;
    public long Version { get; set; } = version;

    public static ShadowState Parse(string desired, string reported, string metadata, long version) =>
        new(ParseObject(desired), ParseObject(reported), ParseObject(metadata), version);

    private static JsonObject ParseObject(string json) => JsonNode.Parse(json) as JsonObject ?? new JsonObject();

    /// <summary>Desired keys whose value differs from the reported one: what the device still has to do.</summary>
    public JsonObject Delta()
    {
        var delta = new JsonObject();
        foreach (var (key, value) in Desired)
        {
            if (!Reported.TryGetPropertyValue(key, out var reported) || !JsonNode.DeepEquals(value, reported))
                delta[key] = value?.DeepClone();
        }
        return delta;
    }

    /// <summary>Merges <paramref name="changes"/> into the desired document (null deletes). Returns whether anything changed.</summary>
    public bool MergeDesired(JsonObject changes, long nowMs) => Merge(Desired, Section("desired"), changes, nowMs, newerOnly: false);

    /// <summary>
    /// Merges reported values (null deletes), stamping each key with <paramref name="ts"/>. A key already reported
    /// at a later time keeps its value: a back-filled old reading never overwrites a newer one.
    /// </summary>
    public bool MergeReported(IEnumerable<KeyValuePair<string, JsonNode?>> changes, long ts) => Merge(Reported, Section("reported"), changes, ts, newerOnly: true);

    private JsonObject Section(string name)
    {
        if (Metadata[name] is JsonObject o) return o;
        var created = new JsonObject();
        Metadata[name] = created;
        return created;
    }

    private static bool Merge(JsonObject target, JsonObject meta, IEnumerable<KeyValuePair<string, JsonNode?>> changes, long ts, bool newerOnly)
    {
        var changed = false;
        foreach (var (key, value) in changes)
        {
            if (newerOnly && meta[key] is JsonValue stamp && stamp.TryGetValue<long>(out var existing) && existing > ts) continue;
            if (value is null)
            {
                if (target.Remove(key)) changed = true;
                meta.Remove(key);
                continue;
            }
            if (!target.TryGetPropertyValue(key, out var old) || !JsonNode.DeepEquals(old, value))
            {
                target[key] = value.DeepClone();
                changed = true;
            }
            meta[key] = ts;
        }
        return changed;
    }
}
