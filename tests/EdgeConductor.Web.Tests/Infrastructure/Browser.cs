using Microsoft.Playwright;

namespace EdgeConductor.Web.Tests.Infrastructure;

/// <summary>
/// Debian's chromium driven by Playwright: headless, no sandbox (containers), no network chatter. The browser path comes
/// from BROWSER_PATH or /usr/bin/chromium; Playwright's own browser download is never used (it cannot work here).
/// </summary>
internal static class Browser
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("BROWSER_PATH") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"No chromium at {ExecutablePath}: apt-get install chromium (scripts/test.sh installs it), or set BROWSER_PATH.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            ],
        });
        return (playwright, browser);
    }
}
