using System.Text.Json;
using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Common;

/// <summary>
/// A JSON merge-patch body: tells a member that is absent (leave alone) from one that is null (clear it).
/// </summary>
public sealed class PatchDocument
{
    private readonly JsonElement _root;

    public PatchDocument(JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } root) throw ApiException.BadRequest("The request body must be a JSON object.");
        _root = root;
    }

    public bool Has(string name) => _root.TryGetProperty(name, out _);

    public IEnumerable<string> Names => _root.EnumerateObject().Select(p => p.Name);

    /// <summary>The member as a string (null when JSON null); 400 if it is another type.</summary>
    public string? String(string name)
    {
        var v = _root.GetProperty(name);
        return v.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => v.GetString(),
            _ => throw ApiException.Invalid(name, "must be a string or null"),
        };
    }

    public int Int(string name, int min, int max)
    {
        var v = _root.GetProperty(name);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i) || i < min || i > max)
            throw ApiException.Invalid(name, $"must be a whole number from {min} to {max}");
        return i;
    }

    public JsonElement Raw(string name) => _root.GetProperty(name);

    public void AllowOnly(params string[] names)
    {
        foreach (var n in Names)
            if (!names.Contains(n)) throw ApiException.Invalid(n, $"is not a field that can be changed here (allowed: {string.Join(", ", names)})");
    }
}
