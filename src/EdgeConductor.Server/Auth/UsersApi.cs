using System.Text.Json;
using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Auth;

/// <summary>
/// One user account: <c>GET</c>, <c>PATCH</c> (<c>{"disabled": true|false, "role": "…"}</c>) and <c>DELETE /users/:id</c>.
/// The rules are those of user creation: super admin &gt; partner &gt; org_admin (and org API keys) &gt; customer/tenant.
/// A manager reaches the users of the orgs it manages (super admins every user); anyone else's users are 404. Nobody
/// changes or deletes their own account or a user ranked above them (403). Every change bumps the
/// <see cref="AccessEpoch"/> (open SSE/MQTT sessions re-check at once), is audited, and — except enabling — revokes the
/// user's refresh tokens.
/// </summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/users").WithTags("Users");
        g.MapGet("/{id}", Get).Produces<UserDto>().ProducesProblem(404);
        g.MapPatch("/{id}", Patch).RequireFreshCredential().Produces<UserDto>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        g.MapDelete("/{id}", Delete).RequireFreshCredential().Produces(StatusCodes.Status204NoContent).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    /// <summary>Rank for "may act on": super_admin 4, partner 3, org_admin 2, customer and tenant 1.</summary>
    internal static int Rank(string role) => role switch
    {
        Roles.SuperAdmin => 4,
        Roles.Partner => 3,
        Roles.OrgAdmin => 2,
        _ => 1,
    };

    private static async Task<IResult> Get(string id, RequestContext ctx, UserStore users) =>
        TypedResults.Ok(UserDto.From(await RequireVisibleAsync(id, ctx, users)));

    private static async Task<IResult> Patch(string id, JsonElement? body, RequestContext ctx, UserStore users, RefreshTokenStore refresh,
        AccessEpoch epoch, AuditLog audit)
    {
        var patch = new PatchDocument(body);
        patch.AllowOnly("disabled", "role");
        var user = await RequireManageableAsync(id, ctx, users);
        bool? disabled = null;
        if (patch.Has("disabled"))
        {
            var v = patch.Raw("disabled");
            if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw ApiException.Invalid("disabled", "must be true or false");
            disabled = v.GetBoolean();
        }
        string? role = null;
        if (patch.Has("role"))
        {
            if (user.OrgId is null) throw ApiException.Invalid("role", $"only users of an org can change role (this user is {user.Role})");
            role = Check.OneOf(patch.String("role"), "role", Roles.OrgRoles);
            if (role == Roles.Tenant && user.RoomId is null) throw ApiException.Invalid("role", "tenant needs a room, and this user has none");
            if (Rank(role) > Rank(ctx.Caller.Role)) throw ApiException.Forbidden("You cannot grant a role above your own.");
        }

        if (role is not null && role != user.Role)
        {
            await users.SetRoleAsync(user.Id, role, ctx.Aborted);
            await refresh.RevokeAllForUserAsync(user.Id, ctx.Aborted);
            epoch.Bump(new AccessChange(AccessChange.UserRoleChanged, user.Id, user.OrgId));
            await audit.WriteAsync(ctx.Audit(user.OrgId, AuditActions.UserUpdated, "user", user.Id, new { user.Email, from = user.Role, role }), ctx.Aborted);
        }
        if (disabled is { } d && d != user.IsDisabled)
        {
            await users.SetDisabledAsync(user.Id, d, ctx.Aborted);
            if (d) await refresh.RevokeAllForUserAsync(user.Id, ctx.Aborted);
            epoch.Bump(new AccessChange(d ? AccessChange.UserDisabled : AccessChange.UserEnabled, user.Id, user.OrgId));
            await audit.WriteAsync(ctx.Audit(user.OrgId, d ? AuditActions.UserDisabled : AuditActions.UserEnabled, "user", user.Id,
                new { user.Email }), ctx.Aborted);
        }
        var updated = await users.FindByIdAsync(user.Id, ctx.Aborted) ?? throw ApiException.NotFound($"User '{id}' not found.");
        return TypedResults.Ok(UserDto.From(updated));
    }

    private static async Task<IResult> Delete(string id, RequestContext ctx, UserStore users, AccessEpoch epoch, AuditLog audit)
    {
        var user = await RequireManageableAsync(id, ctx, users);
        if (!await users.DeleteAsync(user.Id, ctx.Aborted)) throw ApiException.NotFound($"User '{id}' not found.");
        epoch.Bump(new AccessChange(AccessChange.UserDeleted, user.Id, user.OrgId));
        await audit.WriteAsync(ctx.Audit(user.OrgId, AuditActions.UserDeleted, "user", user.Id, new { user.Email, user.Role }), ctx.Aborted);
        return TypedResults.NoContent();
    }

    /// <summary>The user if the caller may see it: super admins every user, others the users of orgs in their scope; 404 otherwise.</summary>
    private static async Task<UserRecord> RequireVisibleAsync(string id, RequestContext ctx, UserStore users)
    {
        var user = await users.FindByIdAsync(id, ctx.Aborted);
        var scope = await ctx.ScopeAsync();
        var visible = user is not null && (ctx.Caller.IsSuperAdmin || (user.OrgId is not null && scope.CanSeeOrg(user.OrgId)));
        if (!visible) throw ApiException.NotFound($"User '{id}' not found.");
        ctx.RequireRole(Roles.Managers);
        return user!;
    }

    /// <summary>As <see cref="RequireVisibleAsync"/>, and the caller may change it: not itself, not ranked above the caller.</summary>
    private static async Task<UserRecord> RequireManageableAsync(string id, RequestContext ctx, UserStore users)
    {
        var user = await RequireVisibleAsync(id, ctx, users);
        if (ctx.Caller.Kind == Caller.UserKind && user.Id == ctx.Caller.Id)
            throw ApiException.Forbidden("You cannot disable, delete or change the role of your own account.");
        if (Rank(user.Role) > Rank(ctx.Caller.Role)) throw ApiException.Forbidden("You cannot change a user ranked above you.");
        return user;
    }
}
