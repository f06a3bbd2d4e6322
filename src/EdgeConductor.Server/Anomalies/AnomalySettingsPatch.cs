using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Anomalies;

/// <summary>
/// Applies a <c>PATCH /orgs/:id/anomaly-settings</c> body: <c>robust_zscore</c> and <c>rate_of_change</c> (booleans);
/// <c>fields</c>, an object whose entries add or replace a field (<c>{"min_abs_change": 5, "floor": null,
/// "max_rate_per_min": 10}</c>; omitted <c>min_abs_change</c> takes the default field's value, else 0) or remove it
/// (<c>null</c>). Every error names the field (400 <c>validation_failed</c>).
/// </summary>
public static partial class AnomalySettingsPatch
{
    /// <summary>At most this many monitored fields per org.</summary>
    public const int MaxFields = 32;

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex FieldName();

    /// <summary>The settings after the patch, or an <see cref="ApiException"/> naming the bad field.</summary>
    public static AnomalySettings Apply(AnomalySettings current, JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } root) throw ApiException.Invalid("body", "must be a JSON object");
        var fields = new Dictionary<string, FieldSettings>(current.Fields);
        var zscore = current.RobustZscore;
        var rate = current.RateOfChange;
        foreach (var p in root.EnumerateObject())
        {
            switch (p.Name)
            {
                case "robust_zscore": zscore = Bool(p.Value, "robust_zscore"); break;
                case "rate_of_change": rate = Bool(p.Value, "rate_of_change"); break;
                case "fields":
                    if (p.Value.ValueKind != JsonValueKind.Object) throw ApiException.Invalid("fields", "must be an object of field name to settings or null");
                    foreach (var f in p.Value.EnumerateObject()) ApplyField(fields, f);
                    break;
                default: throw ApiException.Invalid(p.Name, "is not an anomaly setting (allowed: fields, robust_zscore, rate_of_change)");
            }
        }
        if (fields.Count > MaxFields) throw ApiException.Invalid("fields", $"at most {MaxFields} fields can be monitored");
        return new AnomalySettings(fields, zscore, rate);
    }

    private static void ApplyField(Dictionary<string, FieldSettings> fields, JsonProperty f)
    {
        var name = f.Name;
        var path = $"fields.{name}";
        if (!FieldName().IsMatch(name) || name == "ts") throw ApiException.Invalid(path, "a field name is 1-64 letters, digits, '_', '.' or '-', and not 'ts'");
        if (f.Value.ValueKind == JsonValueKind.Null)
        {
            fields.Remove(name);
            return;
        }
        if (f.Value.ValueKind != JsonValueKind.Object) throw ApiException.Invalid(path, "must be an object or null");
        double minAbs = AnomalySettings.DefaultFields.TryGetValue(name, out var d) ? d.MinAbsChange : 0;
        double? floor = null, maxRate = null;
        foreach (var p in f.Value.EnumerateObject())
        {
            switch (p.Name)
            {
                case "min_abs_change": minAbs = Number(p.Value, $"{path}.min_abs_change", nullable: false, positiveOnly: false) ?? 0; break;
                case "floor": floor = Number(p.Value, $"{path}.floor", nullable: true, positiveOnly: false); break;
                case "max_rate_per_min": maxRate = Number(p.Value, $"{path}.max_rate_per_min", nullable: true, positiveOnly: true); break;
                default: throw ApiException.Invalid($"{path}.{p.Name}", "is not a field setting (allowed: min_abs_change, floor, max_rate_per_min)");
            }
        }
        if (minAbs < 0) throw ApiException.Invalid($"{path}.min_abs_change", "must be 0 or more");
        fields[name] = new FieldSettings(minAbs, floor, maxRate);
    }

    private static bool Bool(JsonElement v, string field) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw ApiException.Invalid(field, "must be true or false"),
    };

    private static double? Number(JsonElement v, string field, bool nullable, bool positiveOnly)
    {
        if (v.ValueKind == JsonValueKind.Null && nullable) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || !double.IsFinite(d))
            throw ApiException.Invalid(field, nullable ? "must be a number or null" : "must be a number");
        if (positiveOnly && d <= 0) throw ApiException.Invalid(field, "must be greater than 0");
        return d;
    }
}
