using EdgeConductor.Server.OpenApi;

namespace EdgeConductor.Server.Hosting;

/// <summary>The OpenAPI document at /openapi/v1.json (docs/api.md): generator plus the transformers in <c>OpenApi/</c>.</summary>
public static class OpenApiRegistration
{
    /// <summary>Registers the document and its transformers.</summary>
    public static IServiceCollection AddEcOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddSchemaTransformer<WireSchemaTransformer>();
            o.AddOperationTransformer<EcOperationTransformer>();
            o.AddDocumentTransformer<EcDocumentTransformer>();
        });
}
