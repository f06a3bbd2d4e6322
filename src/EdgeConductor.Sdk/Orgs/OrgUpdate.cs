namespace EdgeConductor.Sdk.Orgs;

/// <summary>Changes to an org (<c>PATCH /orgs/:id</c>); null members are left as they are.</summary>
/// <param name="Name">Display name.</param>
/// <param name="LogoUrl">White-label logo, an absolute http(s) URL.</param>
/// <param name="PrimaryColor">White-label colour, #rrggbb.</param>
/// <param name="CustomDomain">White-label domain, e.g. <c>console.acme.com</c>.</param>
/// <param name="Product">The product name.</param>
/// <param name="Timezone">IANA time zone of the org, e.g. <c>Europe/Berlin</c>.</param>
/// <param name="Plan">starter, pro, business or enterprise (super admins and partners only).</param>
public sealed record OrgUpdate(string? Name = null, string? LogoUrl = null, string? PrimaryColor = null, string? CustomDomain = null,
    string? Product = null, string? Timezone = null, string? Plan = null);
