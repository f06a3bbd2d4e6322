using System.Text.Json;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using EdgeConductor.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EdgeConductor.Web.Tests.Access;

/// <summary>
/// EC_CORS_ORIGINS in a real browser: headless chromium opens a page served from another origin than the API, which
/// imports the built @edgeconductor/sdk bundle and lists devices with an org API key. From the allowed origin it works
/// (and can read X-Total-Count); from a second origin, not in the list, the browser refuses and the SDK reports a network
/// error (status 0).
/// </summary>
public sealed class JsSdkCorsBrowserTests : IAsyncLifetime
{
    private SdkFromAnotherOrigin _pages = null!;
    private EcServer _server = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        _pages = await SdkFromAnotherOrigin.StartAsync();
        _server = new EcServer(settings: new Dictionary<string, string> { ["EC_CORS_ORIGINS"] = _pages.Origins[0] });
        _server.Start();
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await _server.DisposeAsync();
        await _pages.DisposeAsync();
    }

    [Fact]
    public async Task Sdk_in_a_page_of_the_allowed_origin_calls_the_api_and_another_origin_is_refused()
    {
        var org = await TestOrg.CreateAsync(_server);
        var device = await org.DeviceAsync("EC-CORS");
        var key = org.ApiKey;
        var serial = device.Serial;
        var api = new Uri(_server.BaseUri, "api/v1").ToString();

        var allowed = await RunPageAsync(_pages.Origins[0], api, key);
        Assert.True(allowed.GetProperty("ok").GetBoolean(), allowed.ToString());
        Assert.Contains(serial, allowed.GetProperty("serials").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("1", allowed.GetProperty("totalCount").GetString());

        var refused = await RunPageAsync(_pages.Origins[1], api, key);
        Assert.False(refused.GetProperty("ok").GetBoolean(), refused.ToString());
        Assert.Equal(0, refused.GetProperty("status").GetInt32());
        Assert.Equal("NETWORK_ERROR", refused.GetProperty("code").GetString());
    }

    private async Task<JsonElement> RunPageAsync(string origin, string api, string key)
    {
        var context = await _browser!.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            var console = new List<string>();
            page.Console += (_, m) => { lock (console) console.Add(m.Text); };
            await page.GotoAsync($"{origin}/page.html?api={Uri.EscapeDataString(api)}&key={Uri.EscapeDataString(key)}");
            await page.WaitForFunctionAsync("() => window.ecResult !== undefined", null, new() { Timeout = 30_000 });
            var json = await page.EvaluateAsync<string>("() => JSON.stringify(window.ecResult)");
            lock (console) json = json.TrimEnd('}') + ",\"console\":" + JsonSerializer.Serialize(console) + "}";
            return JsonDocument.Parse(json).RootElement.Clone();
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
