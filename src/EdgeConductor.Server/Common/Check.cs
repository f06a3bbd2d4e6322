using System.Text.RegularExpressions;
using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Common;

/// <summary>Request validation: each failure is a 400 that names the field.</summary>
public static partial class Check
{
    public static T Body<T>(T? body) where T : class =>
        body ?? throw ApiException.BadRequest("A JSON request body is required.");

    public static string Required(string? value, string field, int maxLength = 200)
    {
        if (string.IsNullOrWhiteSpace(value)) throw ApiException.Invalid(field, "is required");
        value = value.Trim();
        if (value.Length > maxLength) throw ApiException.Invalid(field, $"must be at most {maxLength} characters");
        return value;
    }

    public static string? Optional(string? value, string field, int maxLength = 200)
    {
        if (value is null) return null;
        value = value.Trim();
        if (value.Length > maxLength) throw ApiException.Invalid(field, $"must be at most {maxLength} characters");
        return value.Length == 0 ? null : value;
    }

    public static string OneOf(string? value, string field, IReadOnlyCollection<string> allowed)
    {
        var v = Required(value, field);
        if (!allowed.Contains(v)) throw ApiException.Invalid(field, $"must be one of: {string.Join(", ", allowed)}");
        return v;
    }

    public static string Email(string? value, string field = "email")
    {
        var v = Required(value, field, 254);
        if (!EmailRegex().IsMatch(v)) throw ApiException.Invalid(field, "must be an e-mail address");
        return v;
    }

    public static string Slug(string? value, string field = "slug")
    {
        var v = Required(value, field, 63);
        if (!SlugRegex().IsMatch(v)) throw ApiException.Invalid(field, "must be lower-case letters, digits and single dashes (e.g. 'acme-corp')");
        return v;
    }

    public static string? Color(string? value, string field)
    {
        var v = Optional(value, field, 7);
        if (v is not null && !ColorRegex().IsMatch(v)) throw ApiException.Invalid(field, "must be a hex colour like #1a2b3c");
        return v;
    }

    public static string? Url(string? value, string field)
    {
        var v = Optional(value, field, 2048);
        if (v is not null && (!Uri.TryCreate(v, UriKind.Absolute, out var u) || (u.Scheme != "https" && u.Scheme != "http")))
            throw ApiException.Invalid(field, "must be an absolute http(s) URL");
        return v;
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\z")]
    private static partial Regex EmailRegex();

    [GeneratedRegex(@"^[a-z0-9]+(-[a-z0-9]+)*\z")]
    private static partial Regex SlugRegex();

    [GeneratedRegex(@"^#[0-9a-fA-F]{6}\z")]
    private static partial Regex ColorRegex();
}
