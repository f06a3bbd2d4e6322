using EdgeConductor.Sdk.Http;
using EdgeConductor.Sdk.Orgs;

namespace EdgeConductor.Sdk.Partners;

/// <summary>Partners and their customer orgs: <c>client.Partners</c>.</summary>
public sealed class PartnersClient
{
    private readonly ApiTransport _api;
    private readonly ApiCollection<Partner> _partners;

    internal PartnersClient(ApiTransport api)
    {
        _api = api;
        _partners = new ApiCollection<Partner>(api, "partners");
    }

    /// <summary>The partners the caller sees (super admin: all; partner: itself).</summary>
    public Task<IReadOnlyList<Partner>> ListAsync(CancellationToken cancellationToken = default) => _partners.ListAsync(cancellationToken);

    /// <summary>One partner (404 outside the caller's scope).</summary>
    public Task<Partner> GetAsync(string partnerId, CancellationToken cancellationToken = default) => _partners.GetAsync(partnerId, cancellationToken);

    /// <summary>Aggregate device stats across the partner's customer orgs.</summary>
    public Task<PartnerStats> StatsAsync(string partnerId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<PartnerStats>(HttpMethod.Get, _partners.Member(partnerId, "stats"), null, true, cancellationToken);

    /// <summary>Creates a customer org under the partner (seed 001: <c>POST /partners/:id/orgs</c>).</summary>
    public Task<Org> CreateOrgAsync(string partnerId, CreateOrgRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _api.SendAsync<Org>(HttpMethod.Post, _partners.Member(partnerId, "orgs"), request, false, cancellationToken);
    }
}
