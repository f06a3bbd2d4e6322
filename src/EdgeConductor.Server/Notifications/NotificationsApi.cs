using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Notifications;

public static class NotificationsApi
{
    public sealed record MarkAllResponse(int Updated);

    public static RouteGroupBuilder MapNotificationsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/orgs/{orgId}/notifications", List).WithTags("Notifications");
        api.MapPost("/orgs/{orgId}/notifications/read-all", MarkAllRead).WithTags("Notifications");
        api.MapPatch("/notifications/{id}/read", MarkRead).WithTags("Notifications");
        return api;
    }

    private static async Task<IResult> List(string orgId, bool? unread, int? limit, int? offset, RequestContext ctx, NotificationStore store)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        return TypedResults.Ok(await store.ListAsync(org.Id, unread == true, Paging.From(limit, offset, 50, 500), ctx.Aborted));
    }

    private static async Task<IResult> MarkAllRead(string orgId, RequestContext ctx, NotificationStore store)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        return TypedResults.Ok(new MarkAllResponse(await store.MarkAllReadAsync(org.Id, ctx.Aborted)));
    }

    private static async Task<IResult> MarkRead(string id, RequestContext ctx, NotificationStore store)
    {
        var n = await store.FindAsync(id, ctx.Aborted);
        if (n is null || !(await ctx.ScopeAsync()).CanSeeOrg(n.OrgId)) throw ApiException.NotFound($"Notification '{id}' not found.");
        ctx.RequireRole(Auth.Roles.Managers);
        await store.MarkReadAsync(id, ctx.Aborted);
        return TypedResults.Ok(await store.FindAsync(id, ctx.Aborted));
    }
}
