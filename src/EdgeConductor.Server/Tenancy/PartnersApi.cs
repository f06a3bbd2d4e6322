using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Tenancy;

public static class PartnersApi
{
    public sealed record CreatePartnerRequest(string? Name, string? Slug, string? ContactEmail, string? Plan);
    public sealed record CreatePartnerUserRequest(string? Email, string? Password);
    public sealed record PartnerStats(int Orgs, long TotalDevices, long OnlineDevices, long ActiveDevices);

    public static RouteGroupBuilder MapPartnersApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/partners").WithTags("Partners");
        g.MapGet("/", List).Produces<PartnerStore.PartnerDto[]>().ProducesProblem(403);
        g.MapPost("/", Create).Produces<PartnerStore.PartnerDto>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403).ProducesProblem(409);
        g.MapGet("/{partnerId}", Get).Produces<PartnerStore.PartnerDto>().ProducesProblem(404);
        g.MapPost("/{partnerId}/orgs", CreateOrg).Produces<OrgDto>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        g.MapPost("/{partnerId}/users", CreateUser).RequireFreshCredential()
            .Produces<Auth.UserDto>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        g.MapGet("/{partnerId}/stats", Stats).Produces<PartnerStats>().ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> List(RequestContext ctx, PartnerStore partners)
    {
        ctx.RequireRole(Roles.SuperAdmin);
        return TypedResults.Ok(await partners.ListAsync(ctx.Aborted));
    }

    private static async Task<IResult> Create(CreatePartnerRequest? body, RequestContext ctx, PartnerStore partners)
    {
        ctx.RequireRole(Roles.SuperAdmin);
        body = Check.Body(body);
        var name = Check.Required(body.Name, "name");
        var slug = body.Slug is null ? OrgStore.SlugFrom(name) : Check.Slug(body.Slug);
        var email = body.ContactEmail is null ? null : Check.Email(body.ContactEmail, "contact_email");
        var plan = body.Plan is null ? Plans.Starter : Check.OneOf(body.Plan, "plan", Plans.All);
        var partner = await partners.CreateAsync(name, slug, email, plan, ctx.Aborted);
        return TypedResults.Created($"/api/v1/partners/{partner.Id}", partner);
    }

    /// <summary>The partner if the caller is a super admin or that partner; 404 otherwise.</summary>
    private static async Task<PartnerStore.PartnerDto> RequirePartnerAsync(string partnerId, RequestContext ctx, PartnerStore partners)
    {
        var allowed = ctx.Caller.IsSuperAdmin || (ctx.Caller.Role == Roles.Partner && ctx.Caller.PartnerId == partnerId);
        return (allowed ? await partners.FindAsync(partnerId, ctx.Aborted) : null)
            ?? throw ApiException.NotFound($"Partner '{partnerId}' not found.");
    }

    private static async Task<IResult> Get(string partnerId, RequestContext ctx, PartnerStore partners) =>
        TypedResults.Ok(await RequirePartnerAsync(partnerId, ctx, partners));

    private static async Task<IResult> CreateOrg(string partnerId, OrgsApi.CreateOrgRequest? body, RequestContext ctx,
        PartnerStore partners, OrgStore orgs, AuditLog audit)
    {
        var partner = await RequirePartnerAsync(partnerId, ctx, partners);
        var org = await OrgsApi.CreateOrgAsync(Check.Body(body), partner.Id, orgs, ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(org.Id, AuditActions.OrgCreated, "org", org.Id, new { org.Name, org.Slug, org.Plan, partner_id = partner.Id }), ctx.Aborted);
        return TypedResults.Created($"/api/v1/orgs/{org.Id}", OrgDto.From(org));
    }

    private static async Task<IResult> CreateUser(string partnerId, CreatePartnerUserRequest? body, RequestContext ctx,
        PartnerStore partners, UserStore users, AuditLog audit)
    {
        ctx.RequireRole(Roles.SuperAdmin);
        var partner = await RequirePartnerAsync(partnerId, ctx, partners);
        body = Check.Body(body);
        var email = Check.Email(body.Email);
        var password = UserStore.ValidateNewPassword(body.Password);
        var user = await users.CreateAsync(email, password, Roles.Partner, null, partner.Id, null, ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(null, AuditActions.UserCreated, "user", user.Id, new { user.Email, user.Role, partner_id = partner.Id }), ctx.Aborted);
        return TypedResults.Created($"/api/v1/partners/{partner.Id}/users/{user.Id}", UserDto.From(user));
    }

    private static async Task<IResult> Stats(string partnerId, RequestContext ctx, PartnerStore partners, OrgStore orgs, DeviceStore devices)
    {
        var partner = await RequirePartnerAsync(partnerId, ctx, partners);
        var orgIds = await orgs.IdsForPartnerAsync(partner.Id, ctx.Aborted);
        var counts = await devices.CountAsync(orgIds, ctx.Aborted);
        return TypedResults.Ok(new PartnerStats(orgIds.Count, counts.Total, counts.Online, counts.Active));
    }
}
