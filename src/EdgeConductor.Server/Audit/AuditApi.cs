using EdgeConductor.Server.Common;
using EdgeConductor.Server.Tenancy;
using Microsoft.AspNetCore.Mvc;

namespace EdgeConductor.Server.Audit;

public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/orgs/{orgId}/audit", List).WithTags("Audit").Produces<AuditEventDto[]>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    /// <summary>
    /// Newest first, 100 by default; page with limit/offset or before_id. <c>target_type</c> and <c>target_id</c> narrow it
    /// to one object, e.g. <c>target_type=device&amp;target_id=EC-CLM-001</c> for a device's trail (the console's device page).
    /// </summary>
    private static async Task<IResult> List(string orgId, int? limit, int? offset, [FromQuery(Name = "before_id")] long? beforeId,
        string? action, [FromQuery(Name = "target_type")] string? targetType, [FromQuery(Name = "target_id")] string? targetId,
        RequestContext ctx, AuditLog audit)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        var target = new AuditTarget(Check.Optional(targetType, "target_type", 64), Check.Optional(targetId, "target_id", 128));
        return TypedResults.Ok(await audit.ListAsync(org.Id, action, beforeId, Paging.From(limit, offset, 100, 1000), ctx.Aborted, target));
    }
}
