using System.Text.Json;
using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Tenancy;

public static class OrgsApi
{
    public sealed record CreateOrgRequest(string? Name, string? Slug, string? Plan, string? Product, string? PartnerId);
    public sealed record CreateUserRequest(string? Email, string? Role, string? Password, string? RoomId);
    public sealed record CreateRoomRequest(string? Name, string? Floor, string? Building);

    public static RouteGroupBuilder MapOrgsApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/orgs").WithTags("Orgs");
        g.MapGet("/", List).Produces<OrgDto[]>().ProducesProblem(400);
        g.MapPost("/", Create).Produces<OrgDto>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403).ProducesProblem(409);
        g.MapGet("/{orgId}", Get).Produces<OrgDto>().ProducesProblem(404);
        g.MapPatch("/{orgId}", Patch).Produces<OrgDto>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        g.MapGet("/{orgId}/users", ListUsers).Produces<UserDto[]>().ProducesProblem(403).ProducesProblem(404);
        g.MapPost("/{orgId}/users", CreateUser).RequireFreshCredential()
            .Produces<UserDto>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        g.MapGet("/{orgId}/rooms", ListRooms).Produces<RoomStore.RoomDto[]>().ProducesProblem(404);
        g.MapPost("/{orgId}/rooms", CreateRoom).Produces<RoomStore.RoomDto>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> List(int? limit, int? offset, RequestContext ctx, OrgStore orgs)
    {
        var list = await orgs.ListAsync(await ctx.ScopeAsync(), Paging.From(limit, offset), ctx.Aborted);
        return TypedResults.Ok(list.Select(OrgDto.From));
    }

    private static async Task<IResult> Create(CreateOrgRequest? body, RequestContext ctx, OrgStore orgs, PartnerStore partners, AuditLog audit)
    {
        ctx.RequireRole(Roles.SuperAdmin, Roles.Partner);
        body = Check.Body(body);
        string? partnerId;
        if (ctx.Caller.Role == Roles.Partner)
        {
            partnerId = ctx.Caller.PartnerId;
            if (body.PartnerId is not null && body.PartnerId != partnerId) throw ApiException.Invalid("partner_id", "partners create orgs only under themselves");
        }
        else
        {
            partnerId = Check.Optional(body.PartnerId, "partner_id", 64);
            if (partnerId is not null && await partners.FindAsync(partnerId, ctx.Aborted) is null)
                throw ApiException.NotFound($"Partner '{partnerId}' not found.");
        }
        var org = await CreateOrgAsync(body, partnerId, orgs, ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(org.Id, AuditActions.OrgCreated, "org", org.Id, new { org.Name, org.Slug, org.Plan }), ctx.Aborted);
        return TypedResults.Created($"/api/v1/orgs/{org.Id}", OrgDto.From(org));
    }

    /// <summary>Validates a create-org body and creates it (also used by POST /partners/:id/orgs).</summary>
    internal static Task<OrgRecord> CreateOrgAsync(CreateOrgRequest body, string? partnerId, OrgStore orgs, CancellationToken ct)
    {
        var name = Check.Required(body.Name, "name", 200);
        var slug = body.Slug is null ? OrgStore.SlugFrom(name) : Check.Slug(body.Slug);
        if (slug.Length == 0) throw ApiException.Invalid("slug", "cannot be derived from the name; give one explicitly");
        var plan = body.Plan is null ? Plans.Starter : Check.OneOf(body.Plan, "plan", Plans.All);
        return orgs.CreateAsync(name, slug, plan, partnerId, Check.Optional(body.Product, "product", 100), ct);
    }

    private static async Task<IResult> Get(string orgId, RequestContext ctx) => TypedResults.Ok(OrgDto.From(await ctx.RequireOrgAsync(orgId)));

    private static async Task<IResult> Patch(string orgId, JsonElement? body, RequestContext ctx, OrgStore orgs, AuditLog audit)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        var patch = new PatchDocument(body);
        patch.AllowOnly("name", "logo_url", "primary_color", "custom_domain", "plan", "product", "telemetry_retention_days", "timezone");
        if (patch.Has("name")) org.Name = Check.Required(patch.String("name"), "name", 200);
        if (patch.Has("logo_url")) org.LogoUrl = Check.Url(patch.String("logo_url"), "logo_url");
        if (patch.Has("primary_color")) org.PrimaryColor = Check.Color(patch.String("primary_color"), "primary_color");
        if (patch.Has("custom_domain")) org.CustomDomain = Check.Optional(patch.String("custom_domain"), "custom_domain", 253);
        if (patch.Has("product")) org.Product = Check.Optional(patch.String("product"), "product", 100);
        if (patch.Has("telemetry_retention_days")) org.TelemetryRetentionDays = patch.Int("telemetry_retention_days", 1, 3650);
        if (patch.Has("timezone")) org.Timezone = Rules.OrgTimeZone.Validate(patch.String("timezone"), "timezone");
        if (patch.Has("plan"))
        {
            ctx.RequireRole(Roles.SuperAdmin, Roles.Partner);
            org.Plan = Check.OneOf(patch.String("plan"), "plan", Plans.All);
        }
        await orgs.UpdateAsync(org, ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(org.Id, AuditActions.OrgUpdated, "org", org.Id, new { fields = patch.Names.ToArray() }), ctx.Aborted);
        return TypedResults.Ok(OrgDto.From(org));
    }

    private static async Task<IResult> ListUsers(string orgId, RequestContext ctx, UserStore users)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        return TypedResults.Ok((await users.ListByOrgAsync(org.Id, ctx.Aborted)).Select(UserDto.From));
    }

    private static async Task<IResult> CreateUser(string orgId, CreateUserRequest? body, RequestContext ctx, UserStore users, RoomStore rooms, AuditLog audit)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        body = Check.Body(body);
        var email = Check.Email(body.Email);
        var role = Check.OneOf(body.Role, "role", Roles.OrgRoles);
        var password = UserStore.ValidateNewPassword(body.Password);
        var roomId = Check.Optional(body.RoomId, "room_id", 64);
        if (roomId is not null && (await rooms.FindAsync(roomId, ctx.Aborted))?.OrgId != org.Id)
            throw ApiException.Invalid("room_id", "is not a room of this organization");
        if (role == Roles.Tenant && roomId is null) throw ApiException.Invalid("room_id", "is required for the tenant role");
        var user = await users.CreateAsync(email, password, role, org.Id, null, roomId, ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(org.Id, AuditActions.UserCreated, "user", user.Id, new { user.Email, user.Role }), ctx.Aborted);
        return TypedResults.Created($"/api/v1/orgs/{org.Id}/users/{user.Id}", UserDto.From(user));
    }

    private static async Task<IResult> ListRooms(string orgId, RequestContext ctx, RoomStore rooms)
    {
        var org = await ctx.RequireOrgAsync(orgId);
        return TypedResults.Ok(await rooms.ListAsync(org.Id, ctx.Aborted));
    }

    private static async Task<IResult> CreateRoom(string orgId, CreateRoomRequest? body, RequestContext ctx, RoomStore rooms, AuditLog audit)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        body = Check.Body(body);
        var room = await rooms.CreateAsync(org.Id, Check.Required(body.Name, "name", 200), Check.Optional(body.Floor, "floor", 50),
            Check.Optional(body.Building, "building", 200), ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(org.Id, AuditActions.RoomCreated, "room", room.Id, new { room.Name }), ctx.Aborted);
        return TypedResults.Created($"/api/v1/orgs/{org.Id}/rooms/{room.Id}", room);
    }
}
