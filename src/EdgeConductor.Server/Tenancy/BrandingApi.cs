using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Tenancy;

/// <summary>
/// <c>GET /api/v1/branding?host=…</c> (anonymous): the public white-label fields of the org whose <c>custom_domain</c>
/// is <c>host</c> (seed 001 "Partner Portal": logo, colour, domain per customer), so a sign-in page served on that domain
/// shows the org's branding before anyone signs in. Only public fields: no id, slug, plan or partner.
/// </summary>
public static class BrandingApi
{
    /// <summary>The public branding of an org.</summary>
    /// <param name="Name">The org's display name.</param>
    /// <param name="Product">The org's product name, if set.</param>
    /// <param name="LogoUrl">Absolute http(s) URL of the logo, if set.</param>
    /// <param name="PrimaryColor">#rrggbb, if set.</param>
    /// <param name="CustomDomain">The domain that matched (lower case).</param>
    public sealed record BrandingDto(string Name, string? Product, string? LogoUrl, string? PrimaryColor, string CustomDomain);

    public static RouteGroupBuilder MapBrandingApi(this RouteGroupBuilder api)
    {
        api.MapGet("/branding", Get).AllowAnonymous().WithTags("Branding")
            .Produces<BrandingDto>(200).ProducesProblem(400).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Get(string? host, OrgStore orgs, HttpContext http)
    {
        var h = Normalize(host);
        var row = await orgs.FindByCustomDomainAsync(h, http.RequestAborted);
        if (row is null) throw ApiException.NotFound($"No organization uses the domain '{h}'.");
        return TypedResults.Ok(new BrandingDto(row.Name, row.Product, row.LogoUrl, row.PrimaryColor, h));
    }

    /// <summary>Lower case, without port or trailing dot; 400 naming <c>host</c> when empty or not a host name.</summary>
    internal static string Normalize(string? host)
    {
        var h = (host ?? "").Trim().ToLowerInvariant().TrimEnd('.');
        if (h.StartsWith('[')) throw ApiException.Invalid("host", "must be a domain name");
        var colon = h.IndexOf(':');
        if (colon >= 0) h = h[..colon];
        if (h.Length == 0 || h.Length > 253 || Uri.CheckHostName(h) != UriHostNameType.Dns)
            throw ApiException.Invalid("host", "must be a domain name like console.example.com");
        return h;
    }
}
