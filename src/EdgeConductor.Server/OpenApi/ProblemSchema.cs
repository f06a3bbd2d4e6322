using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace EdgeConductor.Server.OpenApi;

/// <summary>
/// The one error shape of the API: RFC 9457 problem details as written by <c>Errors/ProblemExceptionHandler</c> and
/// <c>Errors/ProblemDetailsSetup</c> (content type <c>application/problem+json</c>), with the machine-readable
/// <c>code</c> of <see cref="Errors.ErrorCodes"/>, <c>trace_id</c>, and for field errors <c>errors</c>
/// (field name → messages, from <see cref="Errors.ApiException.Invalid"/>).
/// </summary>
public static class ProblemSchema
{
    /// <summary>The components.schemas name every error response refers to.</summary>
    public const string Name = "ProblemDetails";

    /// <summary>The media type of every error response.</summary>
    public const string MediaType = "application/problem+json";

    /// <summary>The schema: <c>status</c>, <c>title</c>, <c>detail</c> and <c>code</c> always; the rest when known.</summary>
    public static OpenApiSchema Create() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An error (RFC 9457 problem details). `code` is one of BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, "
            + "METHOD_NOT_ALLOWED, CONFLICT, REQUEST_TIMEOUT, PAYLOAD_TOO_LARGE, URI_TOO_LONG, UNSUPPORTED_MEDIA_TYPE, "
            + "HEADERS_TOO_LARGE, RATE_LIMITED, INTERNAL_ERROR, SERVICE_UNAVAILABLE, or a feature's own code; new codes may "
            + "be added. 429 and 503 carry a Retry-After header (seconds).",
        Required = new HashSet<string> { "status", "title", "detail", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI naming the kind of problem." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The HTTP status's reason phrase." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong, for a human (names the field for bad input)." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Machine-readable error code.", Examples = [JsonValue.Create("NOT_FOUND")] },
            ["trace_id"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's trace id, for the server log." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Field errors of a 400: field name (snake_case, dotted for nested fields) → messages.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
    };
}
