using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EdgeConductor.Web.Tests.Infrastructure;

/// <summary>
/// Setup for the ops pages' tests (issue 16): an org of its own with an API key (<see cref="TestOrg"/>), an org admin of
/// it signed in in a fresh browser context, devices registered through the API, readings posted as the device does.
/// </summary>
internal sealed class OpsWorld
{
    private OpsWorld(TestOrg org, ConsoleUserAccount admin, IPage page)
    {
        Org = org;
        Admin = admin;
        Page = page;
    }

    public TestOrg Org { get; }

    /// <summary>The org admin signed in on <see cref="Page"/>.</summary>
    public ConsoleUserAccount Admin { get; }
    public IPage Page { get; }

    /// <summary><c>var (w, page) = await OpsWorldAsync();</c></summary>
    public void Deconstruct(out OpsWorld world, out IPage page) => (world, page) = (this, Page);

    public static async Task<OpsWorld> CreateAsync(ConsoleFixture fx)
    {
        var org = await TestOrg.CreateAsync(fx.Server);
        var admin = await fx.CreateUserAsync("org_admin", org.Id);
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, admin);
        return new OpsWorld(org, admin, page);
    }

    /// <summary>A device of <paramref name="productType"/> running <paramref name="fwVersion"/>.</summary>
    public async Task<TestDevice> DeviceAsync(string productType = "EC-CLIMATE-V1", string fwVersion = "1.0.0")
    {
        var serial = $"EC-W-{Guid.NewGuid().ToString("N")[..10].ToUpperInvariant()}";
        var created = await Org.Http.PostJsonAsync("devices/register", new { serial_no = serial, product_type = productType, fw_version = fwVersion },
            HttpStatusCode.Created);
        return new TestDevice(serial, created["device_secret"]!.GetValue<string>(), Org);
    }

    /// <summary>POSTs readings as the device (X-Device-Secret) and checks each was accepted.</summary>
    public async Task ReadingsAsync(TestDevice d, params string[] readings)
    {
        using var http = Org.Server.Http();
        foreach (var json in readings)
        {
            using var r = await http.PostRawAsync($"devices/{d.Serial}/telemetry", json, d.Secret);
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
    }

    /// <summary>
    /// Opens a console page and waits until it runs interactively (the pages render a hidden <c>data-testid=interactive</c>
    /// marker after the circuit attached): before that, the prerendered buttons and forms do nothing.
    /// </summary>
    public async Task OpenAsync(string path)
    {
        await Page.GotoAsync(path);
        await WaitInteractiveAsync(Page);
    }

    /// <summary>Waits for the interactive marker of the current page (after a reload).</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.GetByTestId("interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>GET through the org's API key.</summary>
    public Task<JsonNode> GetAsync(string url) => Org.GetAsync(url);
}
