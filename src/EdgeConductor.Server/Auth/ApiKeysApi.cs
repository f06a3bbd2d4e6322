using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Auth;

public static class ApiKeysApi
{
    public sealed record CreateApiKeyRequest(string? Name);
    public sealed record CreatedApiKeyDto(string Id, string Name, string Prefix, string Key, string OrgId, DateTime CreatedAt);
    public sealed record ApiKeyDto(string Id, string Name, string Prefix, string OrgId, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);

    public static RouteGroupBuilder MapApiKeysApi(this RouteGroupBuilder api)
    {
        api.MapPost("/orgs/{orgId}/api-keys", Create).WithTags("API keys").RequireFreshCredential()
            .Produces<CreatedApiKeyDto>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/orgs/{orgId}/api-keys", List).WithTags("API keys").Produces<ApiKeyDto[]>().ProducesProblem(403).ProducesProblem(404);
        api.MapDelete("/api-keys/{id}", Revoke).WithTags("API keys").Produces<ApiKeyDto>().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Create(string orgId, CreateApiKeyRequest? body, RequestContext ctx, ApiKeyStore keys, AuditLog audit)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        var name = Check.Required(Check.Body(body).Name, "name", 100);
        var (rec, raw) = await keys.CreateAsync(org.Id, name, ctx.Caller.Id, ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(org.Id, AuditActions.ApiKeyCreated, "api_key", rec.Id, new { name, prefix = rec.Prefix }), ctx.Aborted);
        return TypedResults.Created($"/api/v1/orgs/{org.Id}/api-keys/{rec.Id}",
            new CreatedApiKeyDto(rec.Id, rec.Name, rec.Prefix, raw, rec.OrgId, Times.ToUtc(rec.CreatedAt)));
    }

    private static async Task<IResult> List(string orgId, RequestContext ctx, ApiKeyStore keys)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        var list = await keys.ListAsync(org.Id, ctx.Aborted);
        return TypedResults.Ok(list.Select(ToDto));
    }

    private static async Task<IResult> Revoke(string id, RequestContext ctx, ApiKeyStore keys, AccessEpoch epoch, AuditLog audit)
    {
        var key = await keys.FindAsync(id, ctx.Aborted);
        if (key is null || !(await ctx.ScopeAsync()).CanSeeOrg(key.OrgId)) throw ApiException.NotFound($"API key '{id}' not found.");
        ctx.RequireRole(Roles.Managers);
        if (!await keys.RevokeAsync(id, ctx.Aborted)) throw ApiException.Conflict($"API key '{id}' is already revoked.");
        epoch.Bump(new AccessChange(AccessChange.ApiKeyRevoked, id, key.OrgId)); // its open MQTT sessions and SSE streams end now
        await audit.WriteAsync(ctx.Audit(key.OrgId, AuditActions.ApiKeyRevoked, "api_key", id, new { name = key.Name, prefix = key.Prefix }), ctx.Aborted);
        var revoked = await keys.FindAsync(id, ctx.Aborted);
        return TypedResults.Ok(ToDto(revoked!));
    }

    private static ApiKeyDto ToDto(ApiKeyStore.ApiKeyRecord k) =>
        new(k.Id, k.Name, k.Prefix, k.OrgId, Times.ToUtc(k.CreatedAt), Times.ToUtc(k.LastUsedAt), Times.ToUtc(k.RevokedAt));
}
