using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Rules;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Webhooks;

/// <summary>
/// The webhook signing secret and the delivery log (docs/webhooks.md). Everything here is for managers of the org
/// (super admin, its partner, org admins, API keys): other members get 403, callers who cannot see the org 404.
/// </summary>
public static class WebhooksApi
{
    /// <summary><c>POST /orgs/:id/webhook-secret</c> body (optional): how long the previous secret keeps signing after a rotation, in seconds (0–2,592,000; default 24 h).</summary>
    public sealed record RotateSecretRequest(long? GraceSeconds);

    /// <summary>The secret, shown once, with its metadata.</summary>
    public sealed record WebhookSecretDto(string Secret, bool Rotated, string Fingerprint, DateTime CreatedAt, DateTime? PreviousExpiresAt);

    /// <summary>What <c>GET /orgs/:id/webhook-secret</c> shows (never the secret).</summary>
    public sealed record WebhookSecretMetadataDto(bool Configured, string? Fingerprint, DateTime? CreatedAt, bool Revealed, DateTime? PreviousExpiresAt);

    private const long MaxGraceSeconds = 30L * 24 * 3600;

    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder api)
    {
        api.MapPost("/orgs/{orgId}/webhook-secret", CreateOrRotateSecret).WithTags("Webhooks").RequireFreshCredential()
            .Produces<WebhookSecretDto>(StatusCodes.Status201Created)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/orgs/{orgId}/webhook-secret", GetSecret).WithTags("Webhooks")
            .Produces<WebhookSecretMetadataDto>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/orgs/{orgId}/webhook-deliveries", ListForOrg).WithTags("Webhooks")
            .Produces<IReadOnlyList<WebhookDeliveryDto>>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/rules/{ruleId}/deliveries", ListForRule).WithTags("Webhooks")
            .Produces<IReadOnlyList<WebhookDeliveryDto>>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/webhook-deliveries/{id}", Get).WithTags("Webhooks")
            .Produces<WebhookDeliveryDto>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapPost("/webhook-deliveries/{id}/replay", Replay).WithTags("Webhooks")
            .Produces<WebhookDeliveryDto>(StatusCodes.Status202Accepted).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> CreateOrRotateSecret(string orgId, RotateSecretRequest? body, RequestContext ctx,
        WebhookSecretStore secrets, WebhookOptions options, AuditLog audit)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        var grace = options.SecretGrace;
        if (body?.GraceSeconds is { } g)
        {
            if (g < 0 || g > MaxGraceSeconds) throw ApiException.Invalid("grace_seconds", $"must be between 0 and {MaxGraceSeconds}");
            grace = TimeSpan.FromSeconds(g);
        }
        var s = await secrets.RevealOrRotateAsync(org.Id, grace, ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(org.Id, s.Rotated ? AuditActions.WebhookSecretRotated : AuditActions.WebhookSecretRevealed,
            "org", org.Id, new { fingerprint = s.Metadata.Fingerprint, previous_expires_at = s.Metadata.PreviousExpiresAt }), ctx.Aborted);
        return TypedResults.Created($"/api/v1/orgs/{org.Id}/webhook-secret",
            new WebhookSecretDto(s.Secret, s.Rotated, s.Metadata.Fingerprint!, s.Metadata.CreatedAt!.Value, s.Metadata.PreviousExpiresAt));
    }

    private static async Task<IResult> GetSecret(string orgId, RequestContext ctx, WebhookSecretStore secrets)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        var m = await secrets.MetadataAsync(org.Id, ctx.Aborted);
        return TypedResults.Ok(new WebhookSecretMetadataDto(m.Configured, m.Fingerprint, m.CreatedAt, m.Revealed, m.PreviousExpiresAt));
    }

    private static async Task<IResult> ListForOrg(string orgId, string? status, int? limit, int? offset, RequestContext ctx, WebhookDeliveryStore store)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        if (status is not null) status = Check.OneOf(status, "status", DeliveryStatus.All);
        var rows = await store.ListByOrgAsync(org.Id, status, Paging.From(limit, offset, 50, 500), ctx.Aborted);
        return TypedResults.Ok(rows.Select(r => r.ToDto()).ToList());
    }

    private static async Task<IResult> ListForRule(string ruleId, int? limit, int? offset, RequestContext ctx, WebhookDeliveryStore store,
        IServiceProvider services)
    {
        // The rules feature registers IRuleDirectory; without it (or for an unknown rule, or one the caller cannot see): 404.
        var orgId = services.GetService<IRuleDirectory>() is { } rules ? await rules.FindOrgIdAsync(ruleId, ctx.Aborted) : null;
        if (orgId is null || !(await ctx.ScopeAsync()).CanSeeOrg(orgId)) throw ApiException.NotFound($"Rule '{ruleId}' not found.");
        ctx.RequireRole(Roles.Managers);
        var rows = await store.ListByRuleAsync(ruleId, Paging.From(limit, offset, 50, 500), ctx.Aborted);
        return TypedResults.Ok(rows.Select(r => r.ToDto()).ToList());
    }

    private static async Task<IResult> Get(string id, RequestContext ctx, WebhookDeliveryStore store) =>
        TypedResults.Ok((await RequireDeliveryAsync(id, ctx, store)).ToDto());

    private static async Task<IResult> Replay(string id, RequestContext ctx, WebhookDeliveryStore store, WebhookOutbox outbox, AuditLog audit)
    {
        var original = await RequireDeliveryAsync(id, ctx, store);
        var row = await outbox.ReplayAsync(original, ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(original.OrgId, AuditActions.WebhookReplayed, "webhook_delivery", row.Id,
            new { replay_of = original.Id, url = WebhookUrl.Redact(original.Url) }), ctx.Aborted);
        return TypedResults.Accepted($"/api/v1/webhook-deliveries/{row.Id}", row.ToDto());
    }

    /// <summary>The delivery if the caller may manage its org (404 if not visible, 403 if visible but read-only).</summary>
    private static async Task<WebhookDeliveryRow> RequireDeliveryAsync(string id, RequestContext ctx, WebhookDeliveryStore store)
    {
        var d = await store.FindAsync(id, ctx.Aborted);
        if (d is null || !(await ctx.ScopeAsync()).CanSeeOrg(d.OrgId)) throw ApiException.NotFound($"Webhook delivery '{id}' not found.");
        ctx.RequireRole(Roles.Managers);
        return d;
    }
}
