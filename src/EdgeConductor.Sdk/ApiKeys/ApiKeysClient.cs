using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.ApiKeys;

/// <summary>Org API keys: <c>client.ApiKeys</c>.</summary>
public sealed class ApiKeysClient
{
    private readonly ApiTransport _api;

    internal ApiKeysClient(ApiTransport api) => _api = api;

    private sealed record CreateBody(string Name);

    /// <summary>Generates a key for the org. The raw key is in the answer only: store it securely.</summary>
    public Task<CreatedApiKey> GenerateAsync(string orgId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _api.SendAsync<CreatedApiKey>(HttpMethod.Post, $"orgs/{ApiTransport.Segment(orgId)}/api-keys", new CreateBody(name), false, cancellationToken);
    }

    /// <summary>The org's keys: prefixes and metadata only.</summary>
    public Task<IReadOnlyList<ApiKey>> ListAsync(string orgId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<IReadOnlyList<ApiKey>>(HttpMethod.Get, $"orgs/{ApiTransport.Segment(orgId)}/api-keys", null, true, cancellationToken);

    /// <summary>Revokes a key for good; requests made with it get 401 from then on. 409 if it was already revoked.</summary>
    public Task<ApiKey> RevokeAsync(string keyId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<ApiKey>(HttpMethod.Delete, "api-keys/" + ApiTransport.Segment(keyId), null, true, cancellationToken);
}
