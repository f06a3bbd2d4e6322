using EdgeConductor.Sdk;

namespace EdgeConductor.Web.Components.Pages.Rules;

/// <summary>
/// Maps an API problem+json answer (<see cref="EdgeConductorApiException"/>, its <c>errors</c> by field name) to the form
/// fields of a console page, so each message shows next to its field; what matches no field is shown at the top.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string> _byField = new(StringComparer.Ordinal);

    /// <summary>The message for the form as a whole (a non-field error or a network failure), if any.</summary>
    public string? General { get; private set; }

    /// <summary>The message of <paramref name="field"/> (the API's name, e.g. <c>condition.value</c>), if any.</summary>
    public string? this[string field] => _byField.GetValueOrDefault(field);

    /// <summary>True when nothing is wrong.</summary>
    public bool IsEmpty => General is null && _byField.Count == 0;

    /// <summary>Forgets every message.</summary>
    public void Clear()
    {
        _byField.Clear();
        General = null;
    }

    /// <summary>Sets a message on a field (client-side checks).</summary>
    public void Set(string field, string message) => _byField[field] = message;

    /// <summary>
    /// Takes the errors of a failed call: each API field (also <c>condition.x</c> → <c>x</c> when the form knows only
    /// <c>x</c>) goes to the first of <paramref name="knownFields"/> it matches; the rest becomes <see cref="General"/>.
    /// </summary>
    public void From(EdgeConductorApiException e, params string[] knownFields)
    {
        Clear();
        var rest = new List<string>();
        foreach (var (field, messages) in e.Errors)
        {
            var text = string.Join(" ", messages);
            var match = knownFields.FirstOrDefault(k => k == field)
                ?? knownFields.FirstOrDefault(k => field.EndsWith("." + k, StringComparison.Ordinal) || k.EndsWith("." + field, StringComparison.Ordinal));
            if (match is not null) _byField[match] = text;
            else rest.Add($"{field}: {text}");
        }
        if (rest.Count > 0 || e.Errors.Count == 0) General = rest.Count > 0 ? string.Join(" ", rest) : e.Detail ?? e.Message;
    }

    /// <summary>A failure that is not a validation error (network, 5xx).</summary>
    public void From(Exception e)
    {
        Clear();
        General = e.Message;
    }
}
