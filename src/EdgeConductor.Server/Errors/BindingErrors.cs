using System.Text.Json;
using System.Text.RegularExpressions;

namespace EdgeConductor.Server.Errors;

/// <summary>
/// Minimal-API binding failures (<see cref="BadHttpRequestException"/>) in the project's words. ASP.NET Core's messages
/// name .NET types ("Failed to bind parameter \"Nullable&lt;int&gt; limit\"", "could not be converted to
/// …DevicesApi+RegisterRequest"); a client sees "Query parameter 'limit' must be an integer." or "The request body is not
/// valid JSON: …" instead. A message this class does not recognise becomes a generic sentence, never the original.
/// </summary>
internal static partial class BindingErrors
{
    /// <summary>The detail for a binding failure of <paramref name="http"/>'s request.</summary>
    public static string Describe(BadHttpRequestException bad, HttpContext http)
    {
        for (Exception? e = bad; e is not null; e = e.InnerException)
            if (e is JsonException json) return DescribeJson(json);

        var m = FailedToBind().Match(bad.Message);
        if (m.Success)
        {
            var name = m.Groups["name"].Value;
            return $"{Source(http, name)} '{name}' must be {Expected(m.Groups["type"].Value)}.";
        }
        m = Required().Match(bad.Message);
        if (m.Success)
        {
            var name = m.Groups["name"].Value;
            return $"{Source(http, name)} '{name}' is required.";
        }
        if (bad.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal)
            || bad.Message.Contains("no body was provided", StringComparison.Ordinal)
            || bad.Message.StartsWith("Failed to read parameter", StringComparison.Ordinal))
            return "The request needs a JSON body.";
        if (bad.Message.StartsWith("Expected a supported JSON media type", StringComparison.Ordinal))
            return "The request body must be JSON (Content-Type: application/json).";
        if (bad.StatusCode == 413) return "The request body is larger than this route accepts.";
        if (bad.StatusCode == 408) return "The request body did not arrive in time.";
        return LooksInternal(bad.Message) ? "The request could not be read." : bad.Message;
    }

    /// <summary>
    /// "The request body is not valid JSON: …". System.Text.Json's syntax messages name no types; its conversion
    /// messages do ("could not be converted to System.Int32"), so those are replaced by the JSON path.
    /// </summary>
    public static string DescribeJson(JsonException json)
    {
        var path = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "the top level" : $"'{json.Path}'";
        var position = json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : "";
        if (json.Message.Contains("could not be converted", StringComparison.Ordinal) || LooksInternal(json.Message))
            return $"The request body is not valid JSON for this request: the value at {path} has the wrong type{position}.";
        var message = json.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        return $"The request body is not valid JSON: {message.TrimEnd('.', ' ')}{position}.";
    }

    private static string Source(HttpContext http, string name)
    {
        if (http.Request.Query.ContainsKey(name)) return "Query parameter";
        if (http.Request.RouteValues.ContainsKey(name)) return "Path segment";
        if (http.Request.Headers.ContainsKey(name)) return "Header";
        return "Parameter";
    }

    private static string Expected(string type)
    {
        var t = type.Replace("Nullable<", "").TrimEnd('>', '?').ToLowerInvariant();
        return t switch
        {
            "int" or "long" or "short" or "int32" or "int64" or "int16" or "uint" or "ulong" => "an integer",
            "double" or "float" or "decimal" or "single" => "a number",
            "bool" or "boolean" => "true or false",
            "datetime" or "datetimeoffset" => "an ISO-8601 date and time",
            "dateonly" => "an ISO-8601 date",
            "guid" => "a UUID",
            _ => "a valid value",
        };
    }

    /// <summary>Namespaced or nested .NET type names, generic arity marks, Nullable&lt;…&gt;.</summary>
    private static bool LooksInternal(string message) => InternalName().IsMatch(message);

    [GeneratedRegex("""Failed to bind parameter "(?<type>.+) (?<name>[^ "]+)" from""")]
    private static partial Regex FailedToBind();

    [GeneratedRegex("""Required parameter "(?<type>.+) (?<name>[^ "]+)" was not provided""")]
    private static partial Regex Required();

    [GeneratedRegex(@"\b[A-Z]\w*(\.[A-Z]\w*){2,}|\w\+[A-Z]|`\d|Nullable<|System\.")]
    private static partial Regex InternalName();
}
