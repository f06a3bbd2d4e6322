using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Anomalies;

/// <summary>
/// <c>GET /orgs/:id/anomalies</c>, <c>GET /anomalies/:id</c>, <c>PATCH /anomalies/:id/acknowledge</c> (seed 000
/// <c>ec.anomalies</c>, seed 001) and <c>GET/PATCH /orgs/:id/anomaly-settings</c>. Managers of the org only; another
/// org's anomaly is 404, as if it did not exist.
/// </summary>
public static class AnomaliesApi
{
    private static readonly string[] Severities = [AnomalyRules.Warning, AnomalyRules.Critical];

    /// <summary>Maps the endpoints under /api/v1.</summary>
    public static RouteGroupBuilder MapAnomaliesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/orgs/{orgId}/anomalies", List).WithTags("Anomalies")
            .Produces<IReadOnlyList<AnomalyDto>>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/anomalies/{id}", Get).WithTags("Anomalies")
            .Produces<AnomalyDto>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapPatch("/anomalies/{id}/acknowledge", Acknowledge).WithTags("Anomalies")
            .Produces<AnomalyDto>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/orgs/{orgId}/anomaly-settings", GetSettings).WithTags("Anomalies")
            .Produces<AnomalySettingsDto>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapPatch("/orgs/{orgId}/anomaly-settings", PatchSettings).WithTags("Anomalies")
            .Produces<AnomalySettingsDto>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> List(string orgId, bool? unacked, int? limit, int? offset, string? severity, string? field, string? serial,
        RequestContext ctx, AnomalyStore store)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        var page = Paging.From(limit, offset, 50, 500);
        if (severity is not null) Check.OneOf(severity, "severity", Severities);
        var filter = new AnomalyStore.Filter(unacked == true, severity, Check.Optional(field, "field", 64), Check.Optional(serial, "serial", 128));
        return TypedResults.Ok(await store.ListAsync(org.Id, filter, page, ctx.Aborted));
    }

    private static async Task<IResult> Get(string id, RequestContext ctx, AnomalyStore store) =>
        TypedResults.Ok(await RequireAnomalyAsync(id, ctx, store));

    private static async Task<IResult> Acknowledge(string id, RequestContext ctx, AnomalyStore store, AuditLog audit)
    {
        var a = await RequireAnomalyAsync(id, ctx, store);
        if (await store.AcknowledgeAsync(a.Id, ctx.Caller.Id, ctx.Aborted))
            await audit.WriteAsync(ctx.Audit(a.OrgId, AuditActions.AnomalyAcknowledged, "anomaly", a.Id,
                new { serial = a.Serial, field = a.Field, severity = a.Severity }), ctx.Aborted);
        return TypedResults.Ok(await store.FindAsync(a.Id, ctx.Aborted));
    }

    private static async Task<IResult> GetSettings(string orgId, RequestContext ctx, AnomalySettingsStore settings)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        return TypedResults.Ok(AnomalySettingsDto.From(org.Id, await settings.GetAsync(org.Id, ctx.Aborted)));
    }

    private static async Task<IResult> PatchSettings(string orgId, System.Text.Json.JsonElement? body, RequestContext ctx,
        AnomalySettingsStore settings, AuditLog audit)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        var updated = AnomalySettingsPatch.Apply(await settings.GetAsync(org.Id, ctx.Aborted), body);
        await settings.SaveAsync(org.Id, updated, ctx.Aborted);
        var dto = AnomalySettingsDto.From(org.Id, updated);
        await audit.WriteAsync(ctx.Audit(org.Id, AuditActions.AnomalySettingsUpdated, "org", org.Id, dto), ctx.Aborted);
        return TypedResults.Ok(dto);
    }

    /// <summary>The anomaly if the caller manages its org; 404 if it does not exist or is another org's, 403 for read-only roles.</summary>
    private static async Task<AnomalyDto> RequireAnomalyAsync(string id, RequestContext ctx, AnomalyStore store)
    {
        var a = await store.FindAsync(id, ctx.Aborted);
        if (a is null || !(await ctx.ScopeAsync()).CanSeeOrg(a.OrgId)) throw ApiException.NotFound($"Anomaly '{id}' not found.");
        ctx.RequireRole(Roles.Managers);
        return a;
    }
}
