using EdgeConductor.Server.Devices;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace EdgeConductor.Server.OpenApi;

/// <summary>
/// One rule per concern for every operation, so an endpoint declares only what is its own (its 2xx body and the errors
/// of its handler, with <c>.Produces</c>/<c>.ProducesProblem</c>):
/// <list type="bullet">
/// <item>security: <c>bearer</c> unless the route allows anonymous callers; routes that verify
/// <c>X-Device-Secret</c> themselves (<see cref="DeviceCredentialEndpoint"/>) take <c>bearer</c> or <c>deviceSecret</c>;
/// other anonymous routes (login, refresh, health, the signed firmware download) have none.</item>
/// <item>the errors the pipeline gives every route of a kind: 401 when a credential is checked; 403 on writes (roles);
/// 400 when there is a body or a query; 404 when the path has parameters; 413 with a body
/// (<c>Hosting/RequestBodyLimits</c>); 429 (plan and anonymous rate limits); 503 while shutting down
/// (<c>Hosting/ShutdownGate</c>). Their content is set to the one problem schema by <see cref="EcDocumentTransformer"/>.</item>
/// <item>the request body is required (handlers answer 400 without one) and not <c>null</c>-able.</item>
/// <item>summary from <see cref="OperationSummaries"/> when the endpoint has none; examples from
/// <see cref="OperationExamples"/> (seed 000).</item>
/// </list>
/// </summary>
internal sealed class EcOperationTransformer : IOpenApiOperationTransformer
{
    /// <inheritdoc />
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var device = metadata.OfType<DeviceCredentialEndpoint>().Any();
        var key = OperationKey(description.HttpMethod, description.RelativePath);

        if (!anonymous)
            operation.Security = [EcSecuritySchemes.Require(EcSecuritySchemes.Bearer, context.Document)];
        else if (device)
            operation.Security =
            [
                EcSecuritySchemes.Require(EcSecuritySchemes.Bearer, context.Document),
                EcSecuritySchemes.Require(EcSecuritySchemes.DeviceSecret, context.Document),
            ];

        OperationExamples.ApplyRequestBody(key, operation);
        if (operation.RequestBody is OpenApiRequestBody body)
        {
            body.Required = true;
            foreach (var media in body.Content?.Values ?? [])
                if (media.Schema is OpenApiSchema { OneOf: { Count: 2 } oneOf } && oneOf.Any(IsNullType))
                    media.Schema = oneOf.First(s => !IsNullType(s));
        }

        operation.Responses ??= new OpenApiResponses();
        var hasBody = operation.RequestBody is not null;
        var hasQuery = operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true;
        var hasPathParameter = operation.Parameters?.Any(p => p.In == ParameterLocation.Path) == true;
        if (hasBody || hasQuery) AddProblem(operation, 400);
        if (!anonymous || device) AddProblem(operation, 401);
        if (!anonymous && !HttpMethods.IsGet(description.HttpMethod ?? "GET")) AddProblem(operation, 403);
        if (hasPathParameter) AddProblem(operation, 404);
        if (hasBody) AddProblem(operation, 413);
        AddProblem(operation, 429);
        AddProblem(operation, 503);

        // .Produces(200, contentType: "application/octet-stream") without a type: the generator drops the media type.
        foreach (var produces in metadata.OfType<IProducesResponseTypeMetadata>())
            if (produces.StatusCode is >= 200 and < 300 and not 204 && produces.ContentTypes.Any()
                && operation.Responses.GetValueOrDefault(produces.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)) is OpenApiResponse
                    { Content: null or { Count: 0 } } bare)
                bare.Content = produces.ContentTypes.ToDictionary(t => t, _ => new OpenApiMediaType());

        operation.Summary ??= OperationSummaries.For(key);
        OperationExamples.ApplyResponses(key, operation);
        return Task.CompletedTask;
    }

    /// <summary>"POST /api/v1/devices/register": the key of <see cref="OperationSummaries"/> and <see cref="OperationExamples"/>.</summary>
    public static string OperationKey(string? method, string? relativePath) =>
        $"{method?.ToUpperInvariant()} /{relativePath?.Trim('/')}";

    private static bool IsNullType(IOpenApiSchema s) => s is OpenApiSchema { Type: JsonSchemaType.Null };

    private static void AddProblem(OpenApiOperation operation, int status) =>
        operation.Responses!.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new OpenApiResponse { Description = ReasonPhrases.GetReasonPhrase(status) });
}
