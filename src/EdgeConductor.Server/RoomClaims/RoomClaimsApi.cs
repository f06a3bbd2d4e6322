using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.RoomClaims;

/// <summary>
/// QR room claim (seed 001 "Multi-Tenant": <c>/claim-room?room_id=xxx → login/register → room assigned</c>). The QR holds
/// no long-lived secret: an org admin creates a one-time, expiring link bound to org and room; a tenant signs in (or
/// registers) and redeems it; the room becomes theirs. Created and redeemed links are audited; creation is limited per
/// org (<see cref="MaxLinksPerWindow"/> per <see cref="RateWindow"/>), anonymous checks and registrations fall under the
/// per-IP anonymous rate limit, and a token is 256 random bits (no guessing).
/// </summary>
public static class RoomClaimsApi
{
    /// <summary>Links an org may create per <see cref="RateWindow"/> (429 RATE_LIMITED beyond).</summary>
    public const int MaxLinksPerWindow = 60;

    /// <summary>The creation rate-limit window.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(10);

    public static RouteGroupBuilder MapRoomClaimsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/orgs/{orgId}/rooms/{roomId}/claim-links", Create).WithTags("Room claims")
            .Produces<ClaimLinkDto>(201).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(429);
        var g = api.MapGroup("/room-claims").WithTags("Room claims");
        g.MapPost("/check", Check_).AllowAnonymous()
            .Produces<ClaimCheckDto>(200).ProducesProblem(400).ProducesProblem(404);
        g.MapPost("/", Redeem)
            .Produces<ClaimResultDto>(200).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(410);
        g.MapPost("/register", Register).AllowAnonymous()
            .Produces<ClaimResultDto>(201).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(410);
        return api;
    }

    private static async Task<IResult> Create(string orgId, string roomId, CreateClaimLinkRequest? body, RequestContext ctx,
        RoomStore rooms, ClaimLinkStore links, AuditLog audit, TimeProvider clock)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        var room = await rooms.FindAsync(roomId, ctx.Aborted);
        if (room is null || room.OrgId != org.Id) throw ApiException.NotFound($"Room '{roomId}' not found.");
        var minutes = body?.ExpiresInMinutes ?? 4320;
        if (minutes is < 5 or > 43200) throw ApiException.Invalid("expires_in_minutes", "must be between 5 and 43200 (30 days)");
        if (await links.CountCreatedSinceAsync(org.Id, clock.Ms() - (long)RateWindow.TotalMilliseconds, ctx.Aborted) >= MaxLinksPerWindow)
            throw ApiException.RateLimited($"At most {MaxLinksPerWindow} claim links per {RateWindow.TotalMinutes:0} minutes per organization.", RateWindow);
        var (link, token) = await links.CreateAsync(org.Id, room.Id, ctx.Caller.Id, TimeSpan.FromMinutes(minutes), ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(org.Id, AuditActions.RoomClaimLinkCreated, "room", room.Id,
            new { link_id = link.Id, room = room.Name, expires_at = Times.ToUtc(link.ExpiresAt) }), ctx.Aborted);
        var path = $"/claim-room?room_id={Uri.EscapeDataString(room.Id)}&token={Uri.EscapeDataString(token)}";
        return TypedResults.Created($"/api/v1/orgs/{org.Id}/rooms/{room.Id}/claim-links/{link.Id}",
            new ClaimLinkDto(link.Id, org.Id, room.Id, token, path, Times.ToUtc(link.ExpiresAt), Times.ToUtc(link.CreatedAt)));
    }

    private static async Task<IResult> Check_(ClaimRequest? body, HttpContext http, ClaimLinkStore links, RoomStore rooms, OrgStore orgs)
    {
        var (link, room) = await FindAsync(Check.Body(body).RoomId, body!.Token, links, rooms, http.RequestAborted);
        var org = await orgs.FindAsync(link.OrgId, http.RequestAborted);
        return TypedResults.Ok(new ClaimCheckDto(links.StateOf(link), org?.Name ?? "", room.Name, Times.ToUtc(link.ExpiresAt)));
    }

    private static async Task<IResult> Redeem(ClaimRequest? body, RequestContext ctx, ClaimLinkStore links, RoomStore rooms,
        UserStore users, AccessEpoch epoch, AuditLog audit)
    {
        var (link, room) = await FindAsync(Check.Body(body).RoomId, body!.Token, links, rooms, ctx.Aborted);
        if (ctx.Caller.Kind != Caller.UserKind) throw ApiException.Forbidden("Only a user account can claim a room.");
        var user = await users.FindByIdAsync(ctx.Caller.Id, ctx.Aborted) ?? throw ApiException.Unauthorized("The user no longer exists.");
        if (user.Role != Roles.Tenant || user.OrgId != link.OrgId)
            throw ApiException.Forbidden("Only a tenant account of this room's organization can claim it; register a new tenant account instead.");
        ThrowIfUnusable(links.StateOf(link));
        if (!await links.TryUseAsync(link.Id, user.Id, ctx.Aborted)) ThrowIfUnusable(ClaimLinkStates.Used);
        await users.SetRoomAsync(user.Id, room.Id, ctx.Aborted);
        epoch.Bump(new AccessChange(AccessChange.UserRoleChanged, user.Id, user.OrgId));
        await audit.WriteAsync(ctx.Audit(link.OrgId, AuditActions.RoomClaimed, "room", room.Id,
            new { link_id = link.Id, user.Email, from_room = user.RoomId }), ctx.Aborted);
        return TypedResults.Ok(new ClaimResultDto(user.Id, link.OrgId, room.Id, room.Name));
    }

    private static async Task<IResult> Register(ClaimRegisterRequest? body, HttpContext http, ClaimLinkStore links, RoomStore rooms,
        UserStore users, AuditLog audit)
    {
        body = Check.Body(body);
        var (link, room) = await FindAsync(body.RoomId, body.Token, links, rooms, http.RequestAborted);
        var email = Check.Email(body.Email);
        var password = UserStore.ValidateNewPassword(body.Password);
        ThrowIfUnusable(links.StateOf(link));
        if (await users.FindByEmailAsync(email, http.RequestAborted) is not null)
            throw ApiException.Conflict("An account with this e-mail exists; sign in to claim the room instead.");
        var user = await users.CreateAsync(email, password, Roles.Tenant, link.OrgId, null, room.Id, http.RequestAborted);
        if (!await links.TryUseAsync(link.Id, user.Id, http.RequestAborted))
        {
            await users.DeleteAsync(user.Id, http.RequestAborted);
            ThrowIfUnusable(ClaimLinkStates.Used);
        }
        var ip = http.Connection.RemoteIpAddress?.ToString();
        await audit.WriteAsync(new AuditEntry(link.OrgId, AuditActions.UserCreated, Caller.UserKind, user.Id, "user", user.Id,
            new { user.Email, user.Role, via = "room_claim" }, ip), http.RequestAborted);
        await audit.WriteAsync(new AuditEntry(link.OrgId, AuditActions.RoomClaimed, Caller.UserKind, user.Id, "room", room.Id,
            new { link_id = link.Id, user.Email, registered = true }, ip), http.RequestAborted);
        return TypedResults.Created($"/api/v1/users/{user.Id}", new ClaimResultDto(user.Id, link.OrgId, room.Id, room.Name));
    }

    private static async Task<(ClaimLinkRecord Link, RoomStore.RoomDto Room)> FindAsync(string? roomId, string? token, ClaimLinkStore links,
        RoomStore rooms, CancellationToken ct)
    {
        var r = Check.Required(roomId, "room_id", 64);
        var t = Check.Required(token, "token", 200);
        var link = await links.FindAsync(r, t, ct) ?? throw ApiException.NotFound("This claim link is not valid for this room.");
        var room = await rooms.FindAsync(link.RoomId, ct) ?? throw ApiException.NotFound("The room of this claim link no longer exists.");
        return (link, room);
    }

    /// <summary>409 CONFLICT "already been used" / 410 GONE "expired".</summary>
    private static void ThrowIfUnusable(string state)
    {
        if (state == ClaimLinkStates.Used) throw ApiException.Conflict("This claim link has already been used.");
        if (state == ClaimLinkStates.Expired) throw new ApiException(410, ErrorCodes.Gone, "This claim link has expired.");
    }
}
