using Microsoft.Playwright;

namespace EdgeConductor.Web.Tests.Infrastructure;

/// <summary>
/// Base of the console's browser test classes: one <see cref="ConsoleFixture"/> (the real server and one chromium) per
/// class, and the set-up every test repeated: a browser context signed in as a user, or an ops world (an org of its own
/// with an API key and its org admin signed in).
/// </summary>
public abstract class ConsoleTest(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    /// <summary>The class's server and browser.</summary>
    protected ConsoleFixture Fx { get; } = fx;

    /// <summary>A page in a new browser context (no cookies), not signed in.</summary>
    protected Task<IPage> NewPageAsync(string? host = null) => Fx.NewPageAsync(host);

    /// <summary>A page in a new browser context signed in as <paramref name="user"/> through the sign-in form (from <paramref name="start"/>).</summary>
    protected async Task<IPage> SignedInAsync(ConsoleUserAccount user, string start = "/login")
    {
        var page = await Fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, user, start);
        return page;
    }

    /// <summary>A new org with an API key and its org admin signed in (<see cref="OpsWorld"/>); deconstructs to (world, page).</summary>
    internal Task<OpsWorld> OpsWorldAsync() => OpsWorld.CreateAsync(Fx);
}
