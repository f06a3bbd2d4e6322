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
        ["Users"] = "Users (roles: super_admin, partner_admin, org_admin, operator, viewer, customer, tenant).",
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

        var tags = new HashSet<string>();
        foreach (var path in document.Paths.Values)
            foreach (var operation in path.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            {
                foreach (var tag in operation.Tags ?? Enumerable.Empty<OpenApiTagReference>()) if (tag.Name is { } n) tags.Add(n);
                foreach (var (code, response) in operation.Responses ?? new OpenApiResponses())
                {
                    if (response is not OpenApiResponse r) continue;
                    var status = int.TryParse(code, out var s) ? s : 0;
                    if (string.IsNullOrEmpty(r.Description)) r.Description = ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p : code;
                    if (status < 400) continue;
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
}
