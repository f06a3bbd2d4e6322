namespace EdgeConductor.Web.Tests.Console;

/// <summary>
/// White-label per org (seed 001 "Partner Portal"): org B's colour, logo and product name on everything its users see,
/// already in the first response (no flash); org A keeps the default; org B's custom domain brands the sign-in page.
/// </summary>
public sealed class WhiteLabelTests(ConsoleFixture fx) : ConsoleTest(fx)
{
    private const string DefaultPrimary = "rgba(21,101,192,1)";
    private const string OrgBPrimary = "rgba(15,118,110,1)";

    private static Task<string> PrimaryVarAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-primary').trim()");

    private async Task<(ConsoleUserAccount A, ConsoleUserAccount B, string Domain, string Logo)> TwoOrgsAsync()
    {
        var (orgA, _) = await Fx.CreateOrgAsync();
        var (orgB, _) = await Fx.CreateOrgAsync();
        var domain = $"org-b-{Guid.NewGuid().ToString("N")[..6]}.{Browser.TestDomain}";
        var logo = new Uri(Fx.BaseUri, "_content/EdgeConductor.Web/logo.svg?brand=org-b").ToString();
        await Fx.PatchOrgAsync(orgB, new { primary_color = "#0F766E", logo_url = logo, product = "Acme Climate", custom_domain = domain });
        return (await Fx.CreateUserAsync("org_admin", orgA), await Fx.CreateUserAsync("org_admin", orgB), domain, logo);
    }

    [Fact]
    public async Task Org_B_users_see_org_B_colour_logo_and_name_and_org_A_users_the_default()
    {
        var (a, b, _, logo) = await TwoOrgsAsync();

        var pageB = await SignedInAsync(b);
        await Expect(pageB.GetByTestId("product-name")).ToHaveTextAsync("Acme Climate");
        await Expect(pageB.GetByTestId("brand-logo")).ToHaveAttributeAsync("src", logo);
        Assert.Equal(OrgBPrimary, await PrimaryVarAsync(pageB));
        // No flash: the server-rendered first response already carries org B's palette.
        var html = await (await pageB.Context.APIRequest.GetAsync(new Uri(Fx.BaseUri, "org").ToString())).TextAsync();
        Assert.Contains("--mud-palette-primary: " + OrgBPrimary, html);
        await Screenshots.TakeAsync(pageB, "white-label-org-b");

        var pageA = await SignedInAsync(a);
        await Expect(pageA.GetByTestId("product-name")).ToHaveTextAsync("EdgeConductor");
        await Expect(pageA.GetByTestId("brand-logo")).Not.ToHaveAttributeAsync("src", logo);
        Assert.Equal(DefaultPrimary, await PrimaryVarAsync(pageA));
        var htmlA = await (await pageA.Context.APIRequest.GetAsync(new Uri(Fx.BaseUri, "org").ToString())).TextAsync();
        Assert.DoesNotContain(OrgBPrimary, htmlA);
        await pageA.Context.CloseAsync();
        await pageB.Context.CloseAsync();
    }

    [Fact]
    public async Task Sign_in_page_on_org_B_custom_domain_shows_org_B_branding_and_elsewhere_the_default()
    {
        var (_, b, domain, logo) = await TwoOrgsAsync();
        var page = await NewPageAsync();
        await page.GotoAsync($"http://{domain}:{Fx.Server.HttpPort}/login");
        await Expect(page.GetByTestId("product-name")).ToHaveTextAsync("Acme Climate");
        await Expect(page.GetByTestId("brand-logo")).ToHaveAttributeAsync("src", logo);
        Assert.Equal(OrgBPrimary, await PrimaryVarAsync(page));
        await Screenshots.TakeAsync(page, "login-custom-domain-org-b");

        // Signing in on the custom domain works there, and the org's pages keep the brand.
        await page.GetByLabel("E-mail").FillAsync(b.Email);
        await page.GetByLabel("Password").FillAsync(b.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        Assert.Equal(domain, new Uri(page.Url).Host);
        Assert.Equal(OrgBPrimary, await PrimaryVarAsync(page));

        var plain = await NewPageAsync();
        await plain.GotoAsync("/login");
        await Expect(plain.GetByTestId("product-name")).ToHaveTextAsync("EdgeConductor");
        Assert.Equal(DefaultPrimary, await PrimaryVarAsync(plain));
        var other = await NewPageAsync();
        await other.GotoAsync($"http://unknown-{Guid.NewGuid().ToString("N")[..6]}.{Browser.TestDomain}:{Fx.Server.HttpPort}/login");
        await Expect(other.GetByTestId("product-name")).ToHaveTextAsync("EdgeConductor");
        await page.Context.CloseAsync();
        await plain.Context.CloseAsync();
        await other.Context.CloseAsync();
    }
}
