using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Ota;

/// <summary>
/// A staged rollout (issue 13, hawkBit / AWS IoT Jobs style), the <c>rollout</c> member of a push to a product type:
/// <code>{"groups": [1, "10%", "50%", "100%"], "success_threshold_pct": 100, "error_threshold_pct": 10,
///  "max_per_minute": 60, "wait_minutes": 30}</code>
/// <c>groups</c>: cumulative sizes, a count of devices or a percentage of the targeted devices (rounded up); devices left
/// over after the last entry form one more group. The next group starts when at least <c>success_threshold_pct</c> of
/// the devices released so far succeeded and <c>wait_minutes</c> passed since the current group started. The job pauses
/// itself when more than <c>error_threshold_pct</c> of the released devices failed, or when the released devices are all
/// finished without reaching the success threshold. <c>max_per_minute</c> caps how many devices are released per minute
/// (0 = no cap).
/// </summary>
public sealed record RolloutPlan(IReadOnlyList<string> Groups, double SuccessThresholdPct, double ErrorThresholdPct, int MaxPerMinute, double WaitMinutes)
{
    /// <summary>Every device at once, no rate limit: a push without a rollout.</summary>
    public static RolloutPlan All { get; } = new(["100%"], 100, 100, 0, 0);

    /// <summary>Parses the request member (400 naming the field on anything wrong).</summary>
    public static RolloutPlan Parse(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e) return element is null or { ValueKind: JsonValueKind.Null } ? All : throw ApiException.Invalid("rollout", "must be an object");
        var groups = new List<string>();
        if (e.TryGetProperty("groups", out var g))
        {
            if (g.ValueKind != JsonValueKind.Array || g.GetArrayLength() is 0 or > 20) throw ApiException.Invalid("rollout.groups", "must be an array of 1 to 20 sizes");
            foreach (var item in g.EnumerateArray())
            {
                var text = item.ValueKind switch
                {
                    JsonValueKind.Number when item.TryGetInt32(out var n) && n > 0 => n.ToString(),
                    JsonValueKind.String => item.GetString()!.Trim(),
                    _ => null,
                };
                if (text is null || !IsSize(text)) throw ApiException.Invalid("rollout.groups", "each size is a positive count (5) or a percentage (\"10%\", 1-100)");
                groups.Add(text);
            }
        }
        else groups.Add("100%");
        var success = Number(e, "success_threshold_pct", 100, 0, 100);
        var error = Number(e, "error_threshold_pct", 10, 0, 100);
        var rate = (int)Number(e, "max_per_minute", 0, 0, 100_000);
        var wait = Number(e, "wait_minutes", 0, 0, 7 * 24 * 60);
        return new RolloutPlan(groups, success, error, rate, wait);
    }

    private static bool IsSize(string s) => s.EndsWith('%')
        ? double.TryParse(s[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var pct) && pct > 0 && pct <= 100
        : int.TryParse(s, out var n) && n > 0;

    private static double Number(JsonElement e, string name, double fallback, double min, double max)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || d < min || d > max)
            throw ApiException.Invalid("rollout." + name, $"must be a number from {min} to {max}");
        return d;
    }

    /// <summary>The group number (0-based) of each of <paramref name="total"/> devices, in order.</summary>
    public int[] Assign(int total)
    {
        var result = new int[total];
        var done = 0;
        var group = 0;
        foreach (var size in Groups)
        {
            var cumulative = size.EndsWith('%')
                ? (int)Math.Ceiling(total * double.Parse(size[..^1], System.Globalization.CultureInfo.InvariantCulture) / 100.0)
                : int.Parse(size);
            cumulative = Math.Min(total, cumulative);
            if (cumulative <= done) continue;
            for (; done < cumulative; done++) result[done] = group;
            group++;
        }
        for (; done < total; done++) result[done] = group;
        return result;
    }

    public string ToJson() => new JsonObject
    {
        // As given: a count stays a number (5), a percentage a string ("10%").
        ["groups"] = new JsonArray(Groups.Select(g => g.EndsWith('%') ? (JsonNode?)JsonValue.Create(g) : JsonValue.Create(int.Parse(g))).ToArray()),
        ["success_threshold_pct"] = SuccessThresholdPct,
        ["error_threshold_pct"] = ErrorThresholdPct,
        ["max_per_minute"] = MaxPerMinute,
        ["wait_minutes"] = WaitMinutes,
    }.ToJsonString();

    public static RolloutPlan FromJson(string? json) => json is null ? All : Parse(JsonDocument.Parse(json).RootElement.Clone());
}
