using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace EdgeConductor.Server.OpenApi;

/// <summary>
/// The document as a whole: title and description (base URL, auth), the security schemes (<see cref="EcSecuritySchemes"/>),
/// one problem schema (<see cref="ProblemSchema"/>) that every 4xx/5xx response refers to as
/// <c>application/problem+json</c>, feature tag descriptions, and a description on every response.
/// </summary>
internal sealed class EcDocumentTransformer : IOpenApiDocumentTransformer
{
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Auth"] = "Log in (JWT access + refresh token), refresh, log out, who am I.",
        ["Orgs"] = "Organizations, their users and rooms.",
        ["Partners"] = "Partner portal: partners manage several orgs.",
        ["API keys"] = "Org API keys (ec_live_…), for scripts, SDKs and the CLI.",
        ["Users"] = "Users (roles: super_admin, partner, org_admin, customer, tenant).",
        ["Devices"] = "Device registry: register, list, assign, delete, rotate the device secret.",
        ["Telemetry"] = "Push readings (devices over HTTPS; MQTT: devices/{serial}/telemetry) and read history, recent, latest, aggregates.",
        ["Shadow"] = "Device shadow: reported and desired state; desired changes go to the device (MQTT devices/{serial}/shadow/desired).",
        ["Commands"] = "Reboot and custom commands; polling (GSM) devices fetch work and acknowledge here.",
        ["Live"] = "Server-sent event streams of a device or an org.",
        ["Notifications"] = "In-app notifications, e-mail preferences.",
        ["Mqtt"] = "The built-in MQTT broker's ACL file.",
        ["Webhooks"] = "Webhook signing secret and delivery log (rules post to webhooks).",
        ["Anomalies"] = "Detected anomalies in telemetry and their settings.",
        ["Rules"] = "Automation rules (threshold and schedule).",
        ["Firmware"] = "Firmware releases, signing keys, OTA settings, the device download.",
        ["OTA"] = "Over-the-air updates: push to one device, staged jobs over many.",
        ["Operations"] = "Liveness and readiness.",
        ["Audit"] = "The org's audit log (who did what, when).",
    };

    /// <inheritdoc />
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info ??= new OpenApiInfo();
        document.Info.Title = "EdgeConductor API";
        document.Info.Version = "v1";
        document.Info.Description =
            "REST API of EdgeConductor. Paths are under /api/v1 on the server's HTTP address (http://host:8080 by default). "
            + "JSON field names are snake_case; times are ISO-8601 UTC; errors are application/problem+json with a machine `code`. "
            + "Authenticate with `Authorization: Bearer <credential>`: an org API key (ec_live_…) or a JWT access token from "
            + "POST /api/v1/auth/login. Devices authenticate the routes they call themselves with `X-Device-Secret` "
            + "(the secret returned once at registration), or over MQTT with username = serial, password = secret. "
            + "Lists take limit/offset and return X-Total-Count where noted.";

        EcSecuritySchemes.AddTo(document);
        document.Components!.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema.Name] = ProblemSchema.Create();

        var visited = new HashSet<IOpenApiSchema>(ReferenceEqualityComparer.Instance);
        foreach (var schema in document.Components.Schemas.Values) NullableAsAnyOf(schema, visited);

        var tags = new HashSet<string>();
        foreach (var path in document.Paths.Values)
            foreach (var operation in path.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            {
                foreach (var media in operation.RequestBody?.Content?.Values ?? Enumerable.Empty<OpenApiMediaType>())
                    if (media.Schema is { } requestSchema) NullableAsAnyOf(requestSchema, visited);
                foreach (var tag in operation.Tags ?? Enumerable.Empty<OpenApiTagReference>()) if (tag.Name is { } n) tags.Add(n);
                foreach (var (code, response) in operation.Responses ?? new OpenApiResponses())
                {
                    if (response is not OpenApiResponse r) continue;
                    var status = int.TryParse(code, out var s) ? s : 0;
                    if (string.IsNullOrEmpty(r.Description)) r.Description = ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p : code;
                    if (status < 400)
                    {
                        foreach (var (mediaType, media) in r.Content ?? new Dictionary<string, OpenApiMediaType>())
                            if (media.Schema is null) media.Schema = RawBody(mediaType);
                            else NullableAsAnyOf(media.Schema, visited);
                        continue;
                    }
                    r.Content = new Dictionary<string, OpenApiMediaType>
                    {
                        [ProblemSchema.MediaType] = new() { Schema = new OpenApiSchemaReference(ProblemSchema.Name, document) },
                    };
                }
            }
        document.Tags = new HashSet<OpenApiTag>(tags.Order(StringComparer.Ordinal).Select(t =>
            new OpenApiTag { Name = t, Description = TagDescriptions.GetValueOrDefault(t) }));
        return Task.CompletedTask;
    }

    /// <summary>A body the handler writes itself (a file, an event stream): a string, binary for octet-streams.</summary>
    private static OpenApiSchema RawBody(string mediaType) => mediaType == "application/octet-stream"
        ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" }
        : new OpenApiSchema { Type = JsonSchemaType.String };

    /// <summary>
    /// The generator writes a nullable member as <c>oneOf: [{type: null}, X]</c>. When X admits null itself (a JsonNode or
    /// JsonElement member: any JSON value), no value satisfies exactly one branch, so a validating client would refuse
    /// every null. <c>anyOf</c> says the same (null or X) without that trap; generators read both as "nullable X".
    /// </summary>
    private static void NullableAsAnyOf(IOpenApiSchema schema, HashSet<IOpenApiSchema> visited)
    {
        if (schema is not OpenApiSchema s || !visited.Add(s)) return;
        if (s.OneOf is { Count: > 0 } oneOf && oneOf.Any(o => o is OpenApiSchema { Type: JsonSchemaType.Null }))
        {
            s.AnyOf = oneOf;
            s.OneOf = null;
        }
        foreach (var child in (s.Properties?.Values ?? Enumerable.Empty<IOpenApiSchema>())
                     .Concat(s.AnyOf ?? []).Concat(s.OneOf ?? []).Concat(s.AllOf ?? [])
                     .Append(s.Items).Append(s.AdditionalProperties))
            if (child is not null) NullableAsAnyOf(child, visited);
    }
}
