using System.Diagnostics;
using System.Net;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using EdgeConductor.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EdgeConductor.Bench.Web;

/// <summary>
/// The console's speed targets of issue 15, measured in chromium against the real server: first page of the device
/// list with 5,000 devices (&lt; 1 s), device page first paint (&lt; 1 s), live update latency from a committed reading to
/// the card showing it (&lt; 1 s). Times are wall-clock milliseconds from <see cref="Stopwatch"/>; medians of
/// <see cref="Runs"/> (list, device page) and <see cref="LiveSamples"/> (live update) samples.
/// </summary>
internal static class DeviceConsoleBench
{
    private const int Devices = 5000;
    private const int Runs = 5;
    private const int LiveSamples = 20;

    /// <summary>Runs the bench on a new server and chromium and returns the report (one line per figure).</summary>
    public static async Task<string> RunAsync()
    {
        var fx = new ConsoleFixture();
        await fx.InitializeAsync();
        try
        {
            return await MeasureAsync(fx);
        }
        finally
        {
            await fx.DisposeAsync();
        }
    }

    private static async Task<string> MeasureAsync(ConsoleFixture fx)
    {
        var org = await TestOrg.CreateAsync(fx.Server);
        var register = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, Devices), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await org.Http.PostJsonAsync("devices/register", new { serial_no = $"EC-BENCH-{i:D5}", product_type = "EC-CLIMATE-V1" }, HttpStatusCode.Created));
        register.Stop();
        const string serial = "EC-BENCH-00000";
        await org.Http.PostJsonAsync($"devices/{serial}/telemetry", new { temp = 20.0, hum = 40, co2 = 600, bat = 4.0, signal = -60 }, HttpStatusCode.OK);
        var admin = await fx.CreateUserAsync("org_admin", org.Id);
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, admin);
        await page.GotoAsync("/devices"); // warm-up: first compile of the pages and the circuit
        await Expect(page.GetByTestId("device-count")).ToHaveTextAsync("5,000 devices", new() { Timeout = 60_000 });

        var list = new List<double>();
        for (var r = 0; r < Runs; r++)
        {
            var sw = Stopwatch.StartNew();
            await page.GotoAsync("/devices");
            await Expect(page.Locator("tr.ec-device-row[data-serial='EC-BENCH-00000']")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("device-count")).ToHaveTextAsync("5,000 devices");
            list.Add(sw.Elapsed.TotalMilliseconds);
        }

        var detail = new List<double>();
        for (var r = 0; r < Runs; r++)
        {
            var sw = Stopwatch.StartNew();
            await page.GotoAsync($"/devices/{serial}");
            await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Temperature" })).ToBeVisibleAsync();
            detail.Add(sw.Elapsed.TotalMilliseconds);
        }
        await Expect(page.GetByTestId("live-status")).ToHaveTextAsync("Live");

        var live = new List<double>();
        var card = page.GetByRole(AriaRole.Group, new() { Name = "Temperature" });
        for (var i = 0; i < LiveSamples; i++)
        {
            var value = 30 + i * 0.1;
            var text = value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
            await org.Http.PostJsonAsync($"devices/{serial}/telemetry", new { temp = value }, HttpStatusCode.OK); // returns once committed
            var sw = Stopwatch.StartNew();
            await Expect(card).ToContainTextAsync(text, new() { Timeout = 5_000 });
            live.Add(sw.Elapsed.TotalMilliseconds);
        }
        await page.Context.CloseAsync();

        return string.Join('\n',
            $"EdgeConductor console bench ({DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, chromium headless)",
            $"setup: {Devices} devices registered in {register.Elapsed.TotalSeconds:0.0} s",
            Line("device list first page (5,000 devices, navigation → first row + total)", list),
            Line("device page first paint (navigation → live cards)", detail),
            Line("live update (reading committed → card shows it)", live));
    }

    private static string Line(string what, List<double> ms)
    {
        var sorted = ms.Order().ToList();
        return $"{what}: median {sorted[sorted.Count / 2]:0} ms, min {sorted[0]:0} ms, max {sorted[^1]:0} ms (n={ms.Count})";
    }
}
