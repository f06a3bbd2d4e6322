namespace EdgeConductor.Web.Tests.Console;

/// <summary>Sign-in, role routing (seed 001 "Multi-Tenant"), "not allowed" for another role's area, sign-out.</summary>
public sealed class SignInTests(ConsoleFixture fx) : ConsoleTest(fx)
{
    [Theory]
    [InlineData("super_admin", "/", "Platform")]
    [InlineData("org_admin", "/org", null)]
    [InlineData("customer", "/portal", "My devices")]
    [InlineData("partner", "/partner", "Customer orgs")]
    public async Task Each_role_lands_on_its_home(string role, string home, string? heading)
    {
        var user = await Fx.CreateUserAsync(role);
        var page = await SignedInAsync(user);
        Assert.Equal(home, new Uri(page.Url).AbsolutePath);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        if (heading is not null) await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
        await Expect(page.GetByText(user.Email).First).ToBeVisibleAsync();
        await Screenshots.TakeAsync(page, $"home-{role}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Tenant_lands_on_room_view_path()
    {
        var tenant = await Fx.CreateUserAsync("tenant");
        var page = await SignedInAsync(tenant);
        Assert.Equal("/portal/room", new Uri(page.Url).AbsolutePath);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Tenant_opening_org_area_gets_not_allowed_and_no_org_data()
    {
        var tenant = await Fx.CreateUserAsync("tenant");
        var page = await SignedInAsync(tenant);
        var response = await page.GotoAsync("/org");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        Assert.Equal("/not-allowed", new Uri(page.Url).AbsolutePath);
        await Expect(page.GetByText("Signed in as")).ToHaveCountAsync(0);
        await Screenshots.TakeAsync(page, "not-allowed-tenant-org");
        Assert.NotNull(response);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Org_admin_opening_platform_root_is_sent_to_org_and_partner_area_is_not_allowed()
    {
        var admin = await Fx.CreateUserAsync("org_admin");
        var page = await SignedInAsync(admin);
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/org$"));
        await page.GotoAsync("/partner");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Anonymous_visitor_is_sent_to_sign_in_and_back_afterwards()
    {
        var customer = await Fx.CreateUserAsync("customer");
        var page = await NewPageAsync();
        await page.GotoAsync("/portal");
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?ReturnUrl=%2Fportal"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Screenshots.TakeAsync(page, "login");
        await page.GetByLabel("E-mail").FillAsync(customer.Email);
        await page.GetByLabel("Password").FillAsync(customer.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/portal$"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Wrong_password_says_so_and_sets_no_session()
    {
        var user = await Fx.CreateUserAsync("customer");
        var page = await NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("E-mail").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong e-mail or password");
        var cookies = await page.Context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Name == "ec_console");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Session_cookie_is_http_only_and_same_site_lax()
    {
        var user = await Fx.CreateUserAsync("customer");
        var page = await SignedInAsync(user);
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "ec_console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.DoesNotContain(user.Email, cookie.Value);
        Assert.DoesNotContain("eyJ", cookie.Value); // no readable JWT: the ticket is encrypted
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var user = await Fx.CreateUserAsync("customer");
        var page = await SignedInAsync(user);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("You have signed out");
        await page.GotoAsync("/portal");
        await Expect(page).ToHaveURLAsync(new Regex("/login"));
        await page.Context.CloseAsync();
    }
}
