namespace EdgeConductor.Sdk.Http;

/// <summary>
/// A top-level collection of the API whose members are <typeparamref name="T"/> (<c>orgs</c>, <c>partners</c>): the
/// calls the tenancy clients share — list the members the caller sees, read one member (404 outside the caller's
/// scope), and build the path of a member or of a sub-resource of it. Reads are retried like every GET; the clients
/// keep their own public methods and documentation and delegate here.
/// </summary>
internal sealed class ApiCollection<T>(ApiTransport api, string name)
{
    /// <summary>The page size asked for when listing: the server's maximum, so one call returns every member.</summary>
    public const int ListLimit = 1000;

    /// <summary>GET <c>{name}?limit=1000</c>.</summary>
    public Task<IReadOnlyList<T>> ListAsync(CancellationToken cancellationToken) =>
        api.SendAsync<IReadOnlyList<T>>(HttpMethod.Get, $"{name}?limit={ListLimit}", null, true, cancellationToken);

    /// <summary>GET <c>{name}/{id}</c>.</summary>
    public Task<T> GetAsync(string id, CancellationToken cancellationToken) =>
        api.SendAsync<T>(HttpMethod.Get, Member(id), null, true, cancellationToken);

    /// <summary><c>{name}/{id}</c>, or <c>{name}/{id}/{sub}</c>, with the id escaped as one path segment.</summary>
    public string Member(string id, string? sub = null) =>
        sub is null ? $"{name}/{ApiTransport.Segment(id)}" : $"{name}/{ApiTransport.Segment(id)}/{sub}";
}
