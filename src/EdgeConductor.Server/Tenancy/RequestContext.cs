using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Tenancy;

/// <summary>The caller of the current request, its access scope and the checks every endpoint uses.</summary>
public sealed class RequestContext(IHttpContextAccessor accessor, OrgStore orgs)
{
    private Caller? _caller;
    private AccessScope? _scope;

    public HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No current request.");

    public Caller Caller => _caller ??= Caller.FromPrincipal(Http.User)
        ?? throw ApiException.Unauthorized("Authentication required.");

    public string? Ip => Http.Connection.RemoteIpAddress?.ToString();

    public CancellationToken Aborted => Http.RequestAborted;

    public async ValueTask<AccessScope> ScopeAsync() => _scope ??= await orgs.ScopeForAsync(Caller, Aborted);

    /// <summary>403 unless the caller has one of <paramref name="roles"/>.</summary>
    public void RequireRole(params string[] roles)
    {
        if (!roles.Contains(Caller.Role)) throw ApiException.Forbidden($"This action needs one of the roles: {string.Join(", ", roles)}.");
    }

    /// <summary>The org if the caller may see it; otherwise 404, whether it exists or not.</summary>
    public async Task<OrgRecord> RequireOrgAsync(string orgId)
    {
        var scope = await ScopeAsync();
        var org = scope.CanSeeOrg(orgId) ? await orgs.FindAsync(orgId, Aborted) : null;
        return org ?? throw ApiException.NotFound($"Organization '{orgId}' not found.");
    }

    /// <summary>The org if the caller may manage it (404 if not visible, 403 if visible but read-only to this role).</summary>
    public async Task<OrgRecord> RequireManagedOrgAsync(string orgId)
    {
        var org = await RequireOrgAsync(orgId);
        RequireRole(Roles.Managers);
        return org;
    }

    public AuditEntry Audit(string? orgId, string action, string? targetType = null, string? targetId = null, object? details = null) =>
        new(orgId, action, Caller.Kind, Caller.Id, targetType, targetId, details, Ip);
}
