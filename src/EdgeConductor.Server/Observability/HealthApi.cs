using Dapper;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Observability;

public static class HealthApi
{
    public sealed record HealthResponse(string Status);
    public sealed record ReadyResponse(string Status, string Database);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new HealthResponse("ok"))).AllowAnonymous().WithTags("Operations");
        app.MapGet("/ready", Ready).AllowAnonymous().WithTags("Operations").Produces<ReadyResponse>().ProducesProblem(503);
        app.MapGet("/metrics", Metrics).AllowAnonymous().WithTags("Operations").ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Ready(Database db, CancellationToken ct)
    {
        try
        {
            await using var conn = await db.OpenAsync(ct);
            await conn.ExecuteScalarAsync<long>("SELECT 1");
            return TypedResults.Ok(new ReadyResponse("ready", db.Engine.ToString().ToLowerInvariant()));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ApiException(503, ErrorCodes.Unavailable, "The database is not reachable.");
        }
    }

    private static async Task<IResult> Metrics(HttpContext context, MetricsAccess access, PrometheusExporter exporter, DeviceGauges gauges, DeviceStore devices, CancellationToken ct)
    {
        access.Demand(context);
        await gauges.RefreshAsync(devices, ct);
        return TypedResults.Text(exporter.Render(), "text/plain; version=0.0.4; charset=utf-8");
    }
}
