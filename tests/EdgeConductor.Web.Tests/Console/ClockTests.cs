namespace EdgeConductor.Web.Tests.Console;

/// <summary>
/// Tests that move the server's clock (their own server): silent token refresh, an expired session back to sign-in with
/// a message, an expired claim link.
/// </summary>
public sealed class ClockTests(ConsoleFixture fx) : ConsoleTest(fx)
{
    [Fact]
    public async Task Access_token_past_its_lifetime_is_refreshed_silently_and_the_cookie_rotated()
    {
        var user = await Fx.CreateUserAsync("org_admin");
        var page = await SignedInAsync(user);
        var before = (await page.Context.CookiesAsync()).Single(c => c.Name == "ec_console").Value;
        Fx.Server.Clock.Advance(TimeSpan.FromMinutes(20)); // access tokens live 15 minutes
        await page.GotoAsync("/org");
        await Expect(page.GetByText("Signed in as")).ToContainTextAsync(user.Email);
        var after = (await page.Context.CookiesAsync()).Single(c => c.Name == "ec_console").Value;
        Assert.NotEqual(before, after);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Expired_session_goes_back_to_sign_in_with_a_message()
    {
        var user = await Fx.CreateUserAsync("customer");
        var page = await SignedInAsync(user);
        Fx.Server.Clock.Advance(TimeSpan.FromDays(31)); // past the refresh token's and the cookie's 30 days
        await page.GotoAsync("/portal");
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?.*expired=1"));
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Your session has expired");
        await Screenshots.TakeAsync(page, "login-session-expired");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Expired_claim_link_says_so()
    {
        var (orgId, _) = await Fx.CreateOrgAsync();
        var roomId = await Fx.CreateRoomAsync(orgId);
        var link = await Fx.CreateClaimLinkAsync(orgId, roomId, expiresInMinutes: 5);
        var page = await NewPageAsync();
        await page.GotoAsync(link.Path);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Register and claim" })).ToBeVisibleAsync();
        Fx.Server.Clock.Advance(TimeSpan.FromMinutes(6));
        await page.GotoAsync(link.Path);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("has expired");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Register and claim" })).ToHaveCountAsync(0);
        await Screenshots.TakeAsync(page, "claim-room-expired");
        await page.Context.CloseAsync();
    }
}
