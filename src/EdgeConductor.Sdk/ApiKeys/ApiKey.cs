namespace EdgeConductor.Sdk.ApiKeys;

/// <summary>An API key as listed: its prefix and metadata, never the raw key.</summary>
/// <param name="Id">The key's id (for <see cref="ApiKeysClient.RevokeAsync"/>).</param>
/// <param name="Name">The name given at creation.</param>
/// <param name="Prefix">The first characters of the key, to recognise it.</param>
/// <param name="OrgId">The org the key acts for.</param>
/// <param name="CreatedAt">When it was generated.</param>
/// <param name="LastUsedAt">When it was last used, if ever.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
public sealed record ApiKey(string Id, string Name, string Prefix, string OrgId, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);
