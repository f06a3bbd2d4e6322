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

    /// <summary>
    /// The recursive delta (AWS IoT Device Shadow): every desired leaf whose reported value differs, with the objects
    /// leading to it; an object present on both sides contributes only its differing members. Arrays are values, compared
    /// whole. What the device still has to do.
    /// </summary>
    public JsonObject Delta() => DeltaOf(Desired, Reported);

    private static JsonObject DeltaOf(JsonObject desired, JsonObject? reported)
    {
        var delta = new JsonObject();
        foreach (var (key, value) in desired)
        {
            JsonNode? other = null;
            var has = reported is not null && reported.TryGetPropertyValue(key, out other);
            if (value is JsonObject d && other is JsonObject r)
            {
                var sub = DeltaOf(d, r);
                if (sub.Count > 0) delta[key] = sub;
            }
            else if (!has || !JsonNode.DeepEquals(value, other))
                delta[key] = value?.DeepClone();
        }
        return delta;
    }

    /// <summary>
    /// Merges <paramref name="changes"/> into the desired document: objects merge recursively, <c>null</c> removes exactly
    /// that member (and an object left empty disappears), anything else (arrays included) replaces the value. Returns
    /// whether anything changed.
    /// </summary>
    public bool MergeDesired(JsonObject changes, long nowMs) => Merge(Desired, Section("desired"), changes, nowMs, newerOnly: false);

    /// <summary>
    /// Merges reported values like <see cref="MergeDesired"/>, stamping each leaf with <paramref name="ts"/>. A leaf already
    /// reported at a later time keeps its value: a back-filled old reading never overwrites a newer one.
    /// </summary>
    public bool MergeReported(IEnumerable<KeyValuePair<string, JsonNode?>> changes, long ts) => Merge(Reported, Section("reported"), changes, ts, newerOnly: true);

    /// <summary>
    /// Per-leaf update times (Unix ms) of a section, mirroring its document: <c>{"a":{"x":ms}}</c>. Documents written
    /// before nesting was supported hold one number per top-level key, which is the same shape.
    /// </summary>
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
            if (value is JsonObject patch)
            {
                if (target[key] is JsonObject existing)
                {
                    if (meta[key] is not JsonObject subMeta) meta[key] = subMeta = new JsonObject();
                    changed |= Merge(existing, subMeta, patch, ts, newerOnly);
                    if (existing.Count == 0)
                    {
                        target.Remove(key);
                        meta.Remove(key);
                    }
                    continue;
                }
                if (newerOnly && NewestStamp(meta[key]) > ts) continue;
                // A new object (or one replacing a leaf): built from the patch with its nulls dropped.
                var created = new JsonObject();
                var createdMeta = new JsonObject();
                Merge(created, createdMeta, patch, ts, newerOnly: false);
                if (created.Count == 0)
                {
                    if (target.Remove(key)) changed = true;
                    meta.Remove(key);
                    continue;
                }
                target[key] = created;
                meta[key] = createdMeta;
                changed = true;
                continue;
            }
            if (newerOnly && NewestStamp(meta[key]) > ts) continue;
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

    /// <summary>The latest update time (Unix ms) of a reported key, also of an object (its newest leaf); null if never stamped.</summary>
    public long? ReportedAt(string key) => NewestStamp(Section("reported")[key]) is var t && t != long.MinValue ? t : null;

    /// <summary>The latest time stamped anywhere in a metadata subtree (a leaf's number, or the newest of an object's leaves).</summary>
    private static long NewestStamp(JsonNode? meta) => meta switch
    {
        JsonValue v when v.TryGetValue<long>(out var t) => t,
        JsonObject o => o.Select(p => NewestStamp(p.Value)).DefaultIfEmpty(long.MinValue).Max(),
        _ => long.MinValue,
    };

    /// <summary>The size of a document as stored (compact UTF-8 JSON), for <see cref="ShadowLimits.MaxDocumentBytes"/>.</summary>
    public static int SizeOf(JsonObject document) => System.Text.Encoding.UTF8.GetByteCount(document.ToJsonString());
}
