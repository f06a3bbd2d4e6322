namespace EdgeConductor.Web.Tests.Rules;

/// <summary>Rules pages (issue 16, seed 001 "Rules Engine"): create in the UI, validation next to the field, fire on a reading, dry run.</summary>
public sealed class RuleConsoleTests(ConsoleFixture fx) : ConsoleTest(fx)
{
    [Fact]
    public async Task Threshold_rule_created_in_the_UI_fires_on_a_reading_and_the_device_receives_the_action()
    {
        var (w, page) = await OpsWorldAsync();
        var device = await w.DeviceAsync();
        await w.ReadingsAsync(device, """{"co2":600,"temp":21.5}""");

        await w.OpenAsync("/org/rules");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rules", Level = 1 })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New rule" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/org/rules/new$"));
        await OpsWorld.WaitInteractiveAsync(page);
        // The field picker offers what the org's devices send.
        await Expect(page.Locator(".ec-field", new() { Has = page.GetByLabel("Field", new() { Exact = true }) })).ToContainTextAsync("co2, temp");
        await page.GetByLabel("Name").FillAsync("CO2 high");
        await page.GetByLabel("Field", new() { Exact = true }).FillAsync("co2");
        await page.GetByLabel("Operator").SelectOptionAsync(">");
        await page.GetByLabel("Value", new() { Exact = true }).FillAsync("1000");
        await page.GetByLabel("Action key").FillAsync("relay");
        await page.GetByLabel("Action value").FillAsync("true");
        await Screenshots.TakeAsync(page, "rules-new-threshold");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/org/rules/[^/]+$"));
        await Expect(page.GetByTestId("rule-condition")).ToHaveTextAsync("co2 > 1000");
        await Expect(page.GetByTestId("fire-count")).ToHaveTextAsync("0");

        // The device, on MQTT as itself, waits for its desired state.
        await using var sub = Mosquitto.Subscribe(Mosquitto.As(device), [device.Topic("shadow/desired")], 5, timeoutSeconds: 30);
        await sub.WaitForLineAsync(l => l.Contains("Subscribed", StringComparison.Ordinal), what: "SUBACK");
        await w.ReadingsAsync(device, """{"co2":1250}""");
        var line = await sub.WaitForLineAsync(l => l.Contains("\"relay\"", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "the rule's action");
        Assert.Contains("true", line[line.IndexOf("\"relay\"", StringComparison.Ordinal)..]);

        // The page shows the fire after a refresh, the device firing, and the dry run says the condition holds for it.
        var fires = await Eventually.ValueAsync(async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            return await page.GetByTestId("fire-count").TextContentAsync();
        }, t => t == "1", TimeSpan.FromSeconds(15));
        Assert.Equal("1", fires);
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "State per device" })).ToContainTextAsync(device.Serial);
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "State per device" })).ToContainTextAsync("firing");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test now" }).ClickAsync();
        var dry = page.GetByRole(AriaRole.Table, new() { Name = "Dry run" });
        await Expect(dry.GetByRole(AriaRole.Row, new() { NameRegex = new Regex(device.Serial) })).ToContainTextAsync("1250");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("of 1 device(s) would fire now");
        await Screenshots.TakeAsync(page, "rules-detail-fired");

        // The list shows it, with its fire count and the enabled switch.
        await w.OpenAsync("/org/rules");
        var row = page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex("CO2 high") });
        await Expect(row.GetByTestId("fire-count")).ToHaveTextAsync("1");
        await Expect(row.GetByRole(AriaRole.Switch)).ToBeCheckedAsync();
        await row.GetByRole(AriaRole.Switch).UncheckAsync();
        await Expect(row).ToContainTextAsync("off");
        var rules = await w.GetAsync($"orgs/{w.Org.Id}/rules");
        Assert.False(rules.AsArray().Single()!["enabled"]!.GetValue<bool>());
        await Screenshots.TakeAsync(page, "rules-list");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Validation_message_from_the_API_is_shown_next_to_its_field_and_nothing_is_created()
    {
        var (w, page) = await OpsWorldAsync();
        await w.OpenAsync("/org/rules/new");
        await page.GetByLabel("Name").FillAsync("Bad value");
        await page.GetByLabel("Field", new() { Exact = true }).FillAsync("co2");
        await page.GetByLabel("Operator").SelectOptionAsync(">");
        await page.GetByLabel("Value", new() { Exact = true }).FillAsync("high");
        await page.GetByLabel("Action key").FillAsync("relay");
        await page.GetByLabel("Action value").FillAsync("true");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();
        var valueField = page.Locator(".ec-field", new() { Has = page.GetByLabel("Value", new() { Exact = true }) });
        await Expect(valueField.Locator(".ec-field-error")).ToBeVisibleAsync();
        await Expect(valueField.Locator(".ec-field-error")).ToContainTextAsync("number");
        // Only that field is marked.
        await Expect(page.Locator(".ec-field-error")).ToHaveCountAsync(1);
        await Expect(page).ToHaveURLAsync(new Regex("/org/rules/new$"));
        await Screenshots.TakeAsync(page, "rules-validation");
        Assert.Empty((await w.GetAsync($"orgs/{w.Org.Id}/rules")).AsArray());

        // A schedule rule: any combination of days, the org's time zone shown.
        await page.GetByLabel("Type").SelectOptionAsync("schedule");
        await Expect(page.GetByTestId("org-timezone")).ToContainTextAsync("UTC");
        foreach (var day in new[] { "Mon", "Tue", "Wed", "Thu", "Fri" }) await page.GetByLabel(day, new() { Exact = true }).UncheckAsync();
        await page.GetByLabel("Sat", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Tue", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Time").FillAsync("06:30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/org/rules/[^/]+$"));
        await Expect(page.GetByTestId("rule-condition")).ToHaveTextAsync("06:30 tue, sat");
        await Screenshots.TakeAsync(page, "rules-schedule-detail");

        // Edit (PATCH through Rules.UpdateAsync): another time and Sunday added; the detail shows the change.
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await Expect(page.GetByLabel("Sat", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Mon", new() { Exact = true })).Not.ToBeCheckedAsync();
        await page.GetByLabel("Time").FillAsync("07:45");
        await page.GetByLabel("Sun", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();
        await Expect(page.GetByTestId("rule-condition")).ToHaveTextAsync("07:45 tue, sat, sun");
        var stored = (await w.GetAsync($"orgs/{w.Org.Id}/rules")).AsArray().Single()!;
        Assert.Equal("07:45", stored["condition"]!["time"]!.GetValue<string>());
        Assert.Equal("relay", stored["action"]!["key"]!.GetValue<string>());
        await page.Context.CloseAsync();
    }
}
