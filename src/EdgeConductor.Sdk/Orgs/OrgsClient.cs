using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Orgs;

/// <summary>Organizations and their rooms: <c>client.Orgs</c>.</summary>
public sealed class OrgsClient
{
    private readonly ApiTransport _api;
    private readonly ApiCollection<Org> _orgs;

    internal OrgsClient(ApiTransport api)
    {
        _api = api;
        _orgs = new ApiCollection<Org>(api, "orgs");
    }

    /// <summary>All organizations the caller has access to (an API key sees its own org).</summary>
    public Task<IReadOnlyList<Org>> ListAsync(CancellationToken cancellationToken = default) => _orgs.ListAsync(cancellationToken);

    /// <summary>One org, including its white-label settings.</summary>
    public Task<Org> GetAsync(string orgId, CancellationToken cancellationToken = default) => _orgs.GetAsync(orgId, cancellationToken);

    /// <summary>Creates an org. Only super admins and partners may; an org API key gets 403.</summary>
    public Task<Org> CreateAsync(CreateOrgRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _api.SendAsync<Org>(HttpMethod.Post, "orgs", request, false, cancellationToken);
    }

    /// <summary>Creates an org named <paramref name="name"/>; see <see cref="CreateAsync(CreateOrgRequest, CancellationToken)"/>.</summary>
    public Task<Org> CreateAsync(string name, CancellationToken cancellationToken = default) => CreateAsync(new CreateOrgRequest(name), cancellationToken);

    /// <summary>All rooms / zones of an org.</summary>
    public Task<IReadOnlyList<Room>> RoomsAsync(string orgId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<IReadOnlyList<Room>>(HttpMethod.Get, _orgs.Member(orgId, "rooms"), null, true, cancellationToken);

    /// <summary>Creates a room in an org.</summary>
    public Task<Room> CreateRoomAsync(string orgId, CreateRoomRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _api.SendAsync<Room>(HttpMethod.Post, _orgs.Member(orgId, "rooms"), request, false, cancellationToken);
    }

    /// <summary>Changes an org's settings (white-label, time zone, name); org admins of the org, its partner, super admins.</summary>
    public Task<Org> UpdateAsync(string orgId, OrgUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return _api.SendAsync<Org>(HttpMethod.Patch, _orgs.Member(orgId), update, false, cancellationToken);
    }

    /// <summary>The users of an org (managers only).</summary>
    public Task<IReadOnlyList<Auth.User>> UsersAsync(string orgId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<IReadOnlyList<Auth.User>>(HttpMethod.Get, _orgs.Member(orgId, "users"), null, true, cancellationToken);

    /// <summary>Creates a user in an org with a role and an initial password (managers only; 409 if the e-mail is taken).</summary>
    public Task<Auth.User> CreateUserAsync(string orgId, CreateUserRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _api.SendAsync<Auth.User>(HttpMethod.Post, _orgs.Member(orgId, "users"), request, false, cancellationToken);
    }
}
