using System.Text.Json.Nodes;

namespace EdgeConductor.Web.Tests.Anomalies;

/// <summary>The anomalies panel (issue 16, seed 001 "Anomaly Detection"): detected anomalies appear, filter, acknowledge one and many.</summary>
public sealed class AnomalyPanelTests(ConsoleFixture fx) : ConsoleTest(fx)
{
    [Fact]
    public async Task Anomalies_appear_in_the_panel_filter_by_field_and_are_acknowledged_one_and_many()
    {
        var (w, page) = await OpsWorldAsync();
        var device = await w.DeviceAsync();
        // 29 steady readings one minute apart (the baseline window), then one reading far off on three fields.
        var ts = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds() / 60_000 * 60_000;
        var readings = Enumerable.Range(0, 29).Select(i => $$"""{"ts":{{ts + i * 60_000}},"temp":20,"hum":40,"co2":600}""").ToList();
        readings.Add($$"""{"ts":{{ts + 29 * 60_000}},"temp":30,"hum":80,"co2":1200}""");
        await w.ReadingsAsync(device, [.. readings]);
        var detected = await Eventually.ValueAsync(() => w.GetAsync($"orgs/{w.Org.Id}/anomalies"), a => a.AsArray().Count == 3, TimeSpan.FromSeconds(20));
        Assert.Equal(3, detected.AsArray().Count);

        await w.OpenAsync("/org/anomalies");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Anomalies" });
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(3);
        var tempRow = table.GetByRole(AriaRole.Row, new() { NameRegex = new Regex(@"\btemp\b") });
        await Expect(tempRow).ToContainTextAsync("critical");
        await Expect(tempRow).ToContainTextAsync("+50 %");
        await Expect(tempRow.Locator(".ec-sev-critical")).ToBeVisibleAsync();
        await Expect(tempRow.GetByRole(AriaRole.Link, new() { Name = device.Serial })).ToHaveAttributeAsync("href", new Regex($"^/devices/{device.Serial}\\?at=\\d{{4}}-"));
        await Screenshots.TakeAsync(page, "anomalies-panel");

        // Filter: only hum; acknowledge that one with its own button.
        await page.GetByLabel("Field", new() { Exact = true }).FillAsync("hum");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
        await table.GetByRole(AriaRole.Button, new() { Name = $"Acknowledge hum anomaly on {device.Serial}" }).ClickAsync();
        await Expect(table.Locator("tbody tr").First).ToContainTextAsync("Acknowledged");

        // No filter: the two unacknowledged first; select both and acknowledge them at once.
        await page.GetByLabel("Field", new() { Exact = true }).FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(3);
        await Expect(table.Locator("tbody tr").Last).ToContainTextAsync("hum");
        await table.GetByLabel($"Select temp anomaly on {device.Serial}").CheckAsync();
        await table.GetByLabel($"Select co2 anomaly on {device.Serial}").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge selected (2)" }).ClickAsync();
        await Expect(table.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Acknowledge ") })).ToHaveCountAsync(0);
        await Screenshots.TakeAsync(page, "anomalies-acknowledged");
        var after = await w.GetAsync($"orgs/{w.Org.Id}/anomalies");
        Assert.All(after.AsArray(), a => Assert.True(a!["acknowledged"]!.GetValue<bool>()));
        await page.Context.CloseAsync();
    }
}
