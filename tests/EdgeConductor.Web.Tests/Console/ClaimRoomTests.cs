namespace EdgeConductor.Web.Tests.Console;

/// <summary>QR room claim (seed 001: /claim-room?room_id=… → sign in or register → room assigned; used link says so).</summary>
public sealed class ClaimRoomTests(ConsoleFixture fx) : ConsoleTest(fx)
{
    [Fact]
    public async Task New_tenant_registers_through_the_link_gets_the_room_and_the_link_is_then_used()
    {
        var (orgId, _) = await Fx.CreateOrgAsync();
        var roomId = await Fx.CreateRoomAsync(orgId, "Suite 4B");
        var link = await Fx.CreateClaimLinkAsync(orgId, roomId);
        var email = $"new-tenant-{Guid.NewGuid().ToString("N")[..8]}@console-tests.local";

        var page = await NewPageAsync();
        await page.GotoAsync(link.Path);
        await Expect(page.GetByText("You are claiming")).ToContainTextAsync("Suite 4B");
        await Screenshots.TakeAsync(page, "claim-room-valid");
        await page.GetByLabel("New account e-mail").FillAsync(email);
        await page.GetByLabel("New password").FillAsync("Claimed-Room-Pass-1!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register and claim" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/portal/room\\?claimed=1$"));

        var user = await Fx.FindUserAsync(orgId, email);
        Assert.Equal("tenant", user["role"]!.GetValue<string>());
        Assert.Equal(roomId, user["room_id"]!.GetValue<string>());

        var again = await NewPageAsync();
        await again.GotoAsync(link.Path);
        await Expect(again.GetByRole(AriaRole.Alert)).ToContainTextAsync("already been used");
        await Expect(again.GetByRole(AriaRole.Button, new() { Name = "Register and claim" })).ToHaveCountAsync(0);
        await Screenshots.TakeAsync(again, "claim-room-used");
        await page.Context.CloseAsync();
        await again.Context.CloseAsync();
    }

    [Fact]
    public async Task Existing_tenant_signs_in_through_the_link_and_moves_to_the_room()
    {
        var (orgId, _) = await Fx.CreateOrgAsync();
        var tenant = await Fx.CreateUserAsync("tenant", orgId);
        var newRoom = await Fx.CreateRoomAsync(orgId, "Room 202");
        var link = await Fx.CreateClaimLinkAsync(orgId, newRoom);

        var page = await NewPageAsync();
        await page.GotoAsync(link.Path);
        await page.GetByLabel("E-mail", new() { Exact = true }).FillAsync(tenant.Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(tenant.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in and claim" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/portal/room\\?claimed=1$"));
        Assert.Equal(newRoom, (await Fx.FindUserAsync(orgId, tenant.Email))["room_id"]!.GetValue<string>());
        // The session now carries the new room: the cookie was re-issued from a refreshed token.
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == "ec_console");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_customer_cannot_claim_and_the_link_stays_unused()
    {
        var (orgId, _) = await Fx.CreateOrgAsync();
        var customer = await Fx.CreateUserAsync("customer", orgId);
        var roomId = await Fx.CreateRoomAsync(orgId);
        var link = await Fx.CreateClaimLinkAsync(orgId, roomId);
        var page = await NewPageAsync();
        await page.GotoAsync(link.Path);
        await page.GetByLabel("E-mail", new() { Exact = true }).FillAsync(customer.Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(customer.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in and claim" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("only tenant accounts");
        // Still valid: a tenant can register with it.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Register and claim" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_wrong_token_says_the_link_is_not_valid()
    {
        var (orgId, _) = await Fx.CreateOrgAsync();
        var roomId = await Fx.CreateRoomAsync(orgId);
        var page = await NewPageAsync();
        await page.GotoAsync($"/claim-room?room_id={roomId}&token=ecc_not-a-real-token");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not valid");
        await page.Context.CloseAsync();
    }
}
