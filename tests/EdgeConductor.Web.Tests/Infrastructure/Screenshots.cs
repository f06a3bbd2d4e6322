using Microsoft.Playwright;

namespace EdgeConductor.Web.Tests.Infrastructure;

/// <summary>
/// Full-page screenshots of console pages into the test results folder: EC_SCREENSHOT_DIR, else
/// tests/EdgeConductor.Web.Tests/TestResults/screenshots (found from the test binary's folder).
/// </summary>
internal static class Screenshots
{
    public static string Folder { get; } = Resolve();

    public static async Task TakeAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        var safe = string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-'));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder, safe + ".png"), FullPage = true });
    }

    private static string Resolve()
    {
        if (Environment.GetEnvironmentVariable("EC_SCREENSHOT_DIR") is { Length: > 0 } dir) return dir;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "EdgeConductor.Web.Tests.csproj")))
                return Path.Combine(d.FullName, "TestResults", "screenshots");
        return Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
    }
}
