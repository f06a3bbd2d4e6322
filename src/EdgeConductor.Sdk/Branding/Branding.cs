namespace EdgeConductor.Sdk.Branding;

/// <summary>The public white-label fields of the org that uses a custom domain (<c>GET /branding?host=…</c>).</summary>
/// <param name="Name">The org's display name.</param>
/// <param name="Product">The org's product name, if set.</param>
/// <param name="LogoUrl">Absolute http(s) URL of the logo, if set.</param>
/// <param name="PrimaryColor">#rrggbb, if set.</param>
/// <param name="CustomDomain">The domain that matched (lower case).</param>
public sealed record Branding(string Name, string? Product, string? LogoUrl, string? PrimaryColor, string CustomDomain);
