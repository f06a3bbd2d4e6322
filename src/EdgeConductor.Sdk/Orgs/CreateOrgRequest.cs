namespace EdgeConductor.Sdk.Orgs;

/// <summary>The body of <c>POST /orgs</c> (super admins and partners only).</summary>
/// <param name="Name">Display name.</param>
/// <param name="Slug">URL-safe short name; derived from the name when null.</param>
/// <param name="Plan">starter (default), pro, business or enterprise.</param>
/// <param name="Product">The main product type, if any.</param>
/// <param name="PartnerId">The partner to create the org under (super admins only).</param>
public sealed record CreateOrgRequest(string Name, string? Slug = null, string? Plan = null, string? Product = null, string? PartnerId = null);
