using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EdgeConductor.Server.Devices;

/// <summary>
/// Bodies that devices post over HTTPS (command acknowledgements, OTA status). Device firmware and shell scripts often
/// send JSON with a text or form Content-Type (curl's <c>-d</c> alone sends <c>application/x-www-form-urlencoded</c>), so
/// these routes read the body as JSON whatever the Content-Type says, as the telemetry route does, instead of declaring
/// <c>Accepts</c> (which makes routing answer 415 before the handler runs). The OpenAPI document still shows the JSON
/// schema through <see cref="DocumentsJsonBody{T}"/>.
/// </summary>
public static class DeviceRequestBody
{
    /// <summary>Reads the whole body (at most <paramref name="max"/> bytes; more → 400 naming the limit).</summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, int max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > max) throw Errors.ApiException.BadRequest($"The body is larger than {max} bytes.");
        }
        return buffer.ToArray();
    }

    /// <summary>Documents a required <c>application/json</c> request body of type <typeparamref name="T"/> without adding
    /// a Content-Type constraint to the route.</summary>
    public static RouteHandlerBuilder DocumentsJsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "JSON; read as JSON whatever the Content-Type header says (devices).",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });
}
