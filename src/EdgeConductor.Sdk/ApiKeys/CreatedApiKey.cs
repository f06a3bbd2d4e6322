namespace EdgeConductor.Sdk.ApiKeys;

/// <summary>A newly generated API key. <see cref="Key"/> is shown only in this answer: store it securely.</summary>
/// <param name="Id">The key's id.</param>
/// <param name="Name">The name given.</param>
/// <param name="Prefix">The first characters of the key.</param>
/// <param name="Key">The raw key, <c>ec_live_…</c>.</param>
/// <param name="OrgId">The org the key acts for.</param>
/// <param name="CreatedAt">When it was generated.</param>
public sealed record CreatedApiKey(string Id, string Name, string Prefix, string Key, string OrgId, DateTimeOffset CreatedAt);
