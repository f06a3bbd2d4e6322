using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Branding;

/// <summary>White-label lookup by domain (anonymous): <c>client.Branding</c>.</summary>
public sealed class BrandingClient
{
    private readonly ApiTransport _api;

    internal BrandingClient(ApiTransport api) => _api = api;

    /// <summary>
    /// The branding of the org whose custom domain is <paramref name="host"/> (port ignored), or null when no org uses it.
    /// Needs no credential. 400 (<see cref="EdgeConductorApiException"/>) when the host is not a domain name.
    /// </summary>
    public async Task<Branding?> ForHostAsync(string host, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _api.SendAsync<Branding>(HttpMethod.Get, ApiTransport.WithQuery("branding", ("host", host)), null, true, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (EdgeConductorApiException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
