using System.Text.Json.Nodes;
using Json.Schema;

namespace EdgeConductor.Server.Tests.OpenApi;

/// <summary>
/// Validates a real response body against the schema the served OpenAPI document gives for it, with JsonSchema.Net
/// (JSON Schema 2020-12, the dialect of OpenAPI 3.1 schemas), formats asserted (uuid, date-time, …). The operation's
/// schema becomes a standalone schema: the document's components.schemas go into <c>$defs</c> and every
/// <c>#/components/schemas/X</c> reference is pointed there.
/// </summary>
internal sealed class OpenApiSchemaCheck(JsonNode document)
{
    public JsonNode Document { get; } = document;

    /// <summary>The schema of <paramref name="status"/>'s <paramref name="mediaType"/> body of "METHOD path"; fails the test when undocumented.</summary>
    public JsonNode ResponseSchema(string method, string path, int status, string mediaType)
    {
        var operation = Document["paths"]?[path]?[method.ToLowerInvariant()];
        Assert.True(operation is not null, $"{method} {path} is not in the document");
        var response = operation!["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        Assert.True(response is not null, $"{method} {path} does not document status {status}");
        var schema = response!["content"]?[mediaType]?["schema"];
        Assert.True(schema is not null, $"{method} {path} {status} has no {mediaType} schema");
        return schema!;
    }

    /// <summary>The errors of <paramref name="body"/> against <paramref name="schema"/> (empty when it conforms).</summary>
    public IReadOnlyList<string> Errors(JsonNode schema, JsonNode? body)
    {
        var root = schema.DeepClone().AsObject();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = Document["components"]!["schemas"]!.DeepClone();
        var text = root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var result = JsonSchema.FromText(text).Evaluate(body, new EvaluationOptions
        {
            OutputFormat = OutputFormat.List,
            RequireFormatValidation = true,
        });
        if (result.IsValid) return [];
        return result.Details.Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .ToList();
    }

    /// <summary>Asserts that <paramref name="response"/> (status and body) is what the document says "METHOD path" answers.</summary>
    public async Task<JsonNode?> AssertConformsAsync(string method, string path, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
        var text = await response.Content.ReadAsStringAsync();
        var schema = ResponseSchema(method, path, status, mediaType);
        var body = JsonNode.Parse(text);
        var errors = Errors(schema, body);
        Assert.True(errors.Count == 0, $"{method} {path} {status} does not match its documented schema:\n{string.Join("\n", errors)}\nbody: {text}");
        return body;
    }
}
