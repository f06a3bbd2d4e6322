using System.Net;
using System.Text.Json.Nodes;

namespace EdgeConductor.Web.Tests.Devices;

/// <summary>
/// The console's device pages against the real server, with real devices: mosquitto_pub publishing over MQTT as the
/// device (its serial and secret), the org admin in chromium. No sleeps: web-first assertions with timeouts.
/// </summary>
public sealed class DevicePagesTests(ConsoleFixture fx) : ConsoleTest(fx)
{
    private static readonly LocatorAssertionsToContainTextOptions Within2s = new() { Timeout = 2_000 };

    private async Task<(TestOrg Org, IPage Page)> OrgAdminAsync()
    {
        ExternalTool.RequireMosquitto();
        var org = await TestOrg.CreateAsync(Fx.Server);
        var admin = await Fx.CreateUserAsync("org_admin", org.Id);
        var page = await SignedInAsync(admin);
        return (org, page);
    }

    private static async Task OpenDeviceAsync(IPage page, string serial)
    {
        await page.GotoAsync($"/devices/{serial}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = serial })).ToBeVisibleAsync();
        // "Live" once the stream delivered its opening event: from here on every committed reading reaches the page.
        await Expect(page.GetByTestId("live-status")).ToHaveTextAsync("Live");
    }

    private static async Task PublishAsync(TestDevice device, string tail, string payload)
    {
        var r = await Mosquitto.PublishAsync(device, tail, payload);
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Fact]
    public async Task Reading_published_over_MQTT_changes_the_live_card_within_2_seconds()
    {
        var (org, page) = await OrgAdminAsync();
        var device = await org.DeviceAsync("EC-LIVE");
        await PublishAsync(device, "telemetry", """{"temp":21.0,"hum":40}""");
        await OpenDeviceAsync(page, device.Serial);
        var temp = page.GetByRole(AriaRole.Group, new() { Name = "Temperature" });
        await Expect(temp).ToContainTextAsync("21");

        await PublishAsync(device, "telemetry", """{"temp":23.7,"hum":41,"bat":3.75,"signal":-61,"heap":186432,"uptime":3840,"reboot_reason":"WDT","gps_fix":true,"sats":9,"ttff":17.4}""");

        await Expect(temp).ToContainTextAsync("23.7", Within2s);
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Humidity" })).ToContainTextAsync("41", Within2s);
        // Diagnostics from the same reading: 3.75 V is 50 % of the LiPo range 3.3–4.2 V.
        await Expect(page.GetByTestId("diag-battery")).ToHaveTextAsync("3.75 V · 50 %");
        // Exact: the reported-state panel also contains the text (inside its JSON).
        await Expect(page.GetByText("WDT", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("fix · 9 satellites · TTFF 17.4 s")).ToBeVisibleAsync();
        await Screenshots.TakeAsync(page, "device-page");
    }

    [Fact]
    public async Task Charts_render_for_each_range_from_the_aggregate_endpoint()
    {
        var (org, page) = await OrgAdminAsync();
        var device = await org.DeviceAsync("EC-CHART");
        await org.Http.PostJsonAsync($"devices/{device.Serial}/telemetry", new[]
        {
            new { ts = DateTimeOffset.UtcNow.AddMinutes(-30).ToString("O"), temp = 20.5, hum = 40 },
            new { ts = DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O"), temp = 21.5, hum = 42 },
        }, HttpStatusCode.OK);
        await PublishAsync(device, "telemetry", """{"temp":22.5,"hum":44,"co2":812}""");
        await OpenDeviceAsync(page, device.Serial);
        var charts = page.GetByTestId("charts");

        foreach (var (range, interval) in new[] { ("1h", "1m"), ("6h", "1m"), ("24h", "1m"), ("7d", "15m") })
        {
            await page.GetByRole(AriaRole.Radio, new() { Name = range, Exact = true }).ClickAsync();
            await Expect(charts).ToHaveAttributeAsync("data-loaded-range", range);
            // temp, hum and co2 are toggled on: one canvas chart each, one series each, at most 2,000 points.
            await Expect(charts.Locator(".ec-chart canvas")).ToHaveCountAsync(3);
            foreach (var metric in new[] { "temp", "hum", "co2" })
            {
                var chart = charts.Locator($".ec-chart[data-metric='{metric}']");
                await Expect(chart).ToHaveAttributeAsync("data-series-count", "1");
                await Expect(chart).ToHaveAttributeAsync("data-interval", interval);
                var points = int.Parse(await chart.GetAttributeAsync("data-points") ?? "0");
                Assert.InRange(points, 1, 2000);
            }
            await Screenshots.TakeAsync(page, $"device-charts-{range}");
        }

        await page.GetByRole(AriaRole.Group, new() { Name = "Metrics" }).GetByLabel("CO₂").UncheckAsync();
        await Expect(charts.Locator(".ec-chart canvas")).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task Desired_edit_is_pending_until_the_device_reports_it_then_confirmed()
    {
        var (org, page) = await OrgAdminAsync();
        var device = await org.DeviceAsync("EC-SHADOW");
        await OpenDeviceAsync(page, device.Serial);
        // The device listens on its desired topic like firmware does: it must receive what the console sets.
        await using var listener = Mosquitto.Subscribe(Mosquitto.As(device), [device.Topic("shadow/desired")], count: 1);
        await listener.WaitForLineAsync(l => l.Contains("Subscribed"), what: "SUBACK");

        await page.GetByRole(AriaRole.Textbox, new() { Name = "Desired key" }).FillAsync("relay");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Value (JSON)" }).FillAsync("true");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set desired" }).ClickAsync();

        var state = page.GetByTestId("desired-state-relay");
        await Expect(state).ToHaveTextAsync("pending");
        await Screenshots.TakeAsync(page, "device-shadow-pending");
        await listener.WaitForLineAsync(l => l.Replace(" ", "").Contains("\"relay\":true"), what: "the desired state on the device's topic");

        await PublishAsync(device, "shadow/reported", """{"relay":true}""");

        await Expect(state).ToHaveTextAsync("confirmed");
        await Expect(page.GetByTestId("shadow-delta")).ToHaveTextAsync("{}");
        await Screenshots.TakeAsync(page, "device-shadow-confirmed");
    }

    [Fact]
    public async Task List_search_and_filters_narrow_the_rows()
    {
        var (org, page) = await OrgAdminAsync();
        var tag = "t" + Guid.NewGuid().ToString("N")[..6];
        var alpha = await org.DeviceAsync("EC-ALPHA");
        var beta = await org.DeviceAsync("EC-BETA");
        var tracker = $"TRK-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";
        await org.Http.PostJsonAsync("devices/register", new { serial_no = tracker, product_type = "tracker" }, HttpStatusCode.Created);
        await org.Http.PatchAsync($"devices/{beta.Serial}", JsonContent(new { tags = new[] { tag } }));
        await PublishAsync(alpha, "telemetry", """{"temp":20}"""); // alpha is online, the others were never seen

        await page.GotoAsync("/devices");
        var rows = page.Locator("tr.ec-device-row[data-serial]");
        await Expect(page.GetByTestId("device-count")).ToHaveTextAsync("3 devices");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.Filter(new() { HasText = alpha.Serial }).GetByRole(AriaRole.Img, new() { Name = "Online" })).ToBeVisibleAsync();
        await Expect(rows.Filter(new() { HasText = beta.Serial }).GetByRole(AriaRole.Img, new() { Name = "Offline" })).ToBeVisibleAsync();
        await Screenshots.TakeAsync(page, "device-list");

        await page.GetByLabel("Search").FillAsync("alpha");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-serial", alpha.Serial);
        await page.GetByLabel("Search").FillAsync("");
        await Expect(rows).ToHaveCountAsync(3);

        await page.GetByLabel("Tag").FillAsync(tag);
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-serial", beta.Serial);
        await page.GetByLabel("Tag").FillAsync("");

        await page.GetByLabel("Product type").FillAsync("tracker");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-serial", tracker);
        await page.GetByLabel("Product type").FillAsync("");
        await Expect(rows).ToHaveCountAsync(3);

        await ChooseAsync(page, page.GetByLabel("Status"), "Online");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-serial", alpha.Serial);
        await ChooseAsync(page, page.GetByLabel("Status"), "Offline");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("device-count")).ToHaveTextAsync("2 devices");
    }

    [Fact]
    public async Task List_is_virtualized_and_scrolls_to_the_last_device()
    {
        var (org, page) = await OrgAdminAsync();
        var serials = Enumerable.Range(0, 400).Select(i => $"EC-VIRT-{i:D4}").ToList();
        foreach (var s in serials) await org.Http.PostJsonAsync("devices/register", new { serial_no = s, product_type = "EC-CLIMATE-V1" }, HttpStatusCode.Created);

        await page.GotoAsync("/devices");
        await Expect(page.GetByTestId("device-count")).ToHaveTextAsync("400 devices");
        var rows = page.Locator("tr.ec-device-row[data-serial]");
        await Expect(rows.First).ToHaveAttributeAsync("data-serial", serials[0]);
        Assert.InRange(await rows.CountAsync(), 1, 150); // only a window of the 400 is in the DOM

        await page.GetByRole(AriaRole.Region, new() { Name = "Device list" }).EvaluateAsync("el => el.scrollTop = el.scrollHeight");
        await Expect(page.Locator($"tr.ec-device-row[data-serial='{serials[^1]}']")).ToBeVisibleAsync();
        Assert.InRange(await rows.CountAsync(), 1, 150);
    }

    [Fact]
    public async Task Bulk_assign_puts_the_selected_devices_in_a_room()
    {
        var (org, page) = await OrgAdminAsync();
        var room = await org.Http.PostJsonAsync($"orgs/{org.Id}/rooms", new { name = "Lab 7" }, HttpStatusCode.Created);
        var roomId = room["id"]!.GetValue<string>();
        var a = await org.DeviceAsync("EC-BULK");
        var b = await org.DeviceAsync("EC-BULK");
        var c = await org.DeviceAsync("EC-BULK");

        await page.GotoAsync("/devices");
        await Expect(page.GetByTestId("device-count")).ToHaveTextAsync("3 devices"); // the interactive circuit is up
        await page.GetByLabel($"Select {a.Serial}").CheckAsync();
        await page.GetByLabel($"Select {b.Serial}").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Assign selected (2)" }).ClickAsync();
        var panel = page.GetByRole(AriaRole.Group, new() { Name = "Assign devices" });
        await ChooseAsync(page, panel.GetByLabel("Room"), "Lab 7");
        await Screenshots.TakeAsync(page, "device-bulk-assign");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Assign" }).ClickAsync();

        await Expect(panel).ToHaveCountAsync(0);
        var rows = page.Locator("tr.ec-device-row[data-serial]");
        await Expect(rows.Filter(new() { HasText = a.Serial })).ToContainTextAsync("Lab 7");
        await Expect(rows.Filter(new() { HasText = b.Serial })).ToContainTextAsync("Lab 7");
        foreach (var d in new[] { a, b })
            Assert.Equal(roomId, (await org.GetAsync($"devices/{d.Serial}"))["room_id"]?.GetValue<string>());
        Assert.Null((await org.GetAsync($"devices/{c.Serial}"))["room_id"]?.GetValue<string>());
    }

    [Fact]
    public async Task Register_and_rotate_show_the_secret_once_and_it_works()
    {
        var (org, page) = await OrgAdminAsync();
        var serial = $"EC-NEW-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";
        await page.GotoAsync("/devices");
        await Expect(page.GetByTestId("device-count")).ToHaveTextAsync("0 devices"); // the interactive circuit is up
        await page.GetByRole(AriaRole.Button, new() { Name = "Register device" }).ClickAsync();
        await page.GetByLabel("Serial number").FillAsync(serial);
        await page.GetByLabel("Product type").Last.FillAsync("EC-CLIMATE-V1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
        var secret = page.GetByTestId("device-secret");
        await Expect(secret).ToHaveTextAsync(new Regex("^ds_[A-Za-z0-9]{43}$"));
        var first = await secret.TextContentAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "I have stored it" }).ClickAsync();
        await Expect(secret).ToHaveCountAsync(0);

        await OpenDeviceAsync(page, serial);
        await Expect(page.GetByTestId("device-secret")).ToHaveCountAsync(0); // never shown again
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate now" }).ClickAsync();
        await Expect(secret).ToHaveTextAsync(new Regex("^ds_[A-Za-z0-9]{43}$"));
        var rotated = (await secret.TextContentAsync())!;
        Assert.NotEqual(first, rotated);
        await Screenshots.TakeAsync(page, "device-secret-once");

        // The new secret is the device's MQTT password now; the old one is refused.
        var ok = await Mosquitto.PublishAsync(Mosquitto.Connect(Fx.Server, serial, rotated), $"devices/{serial}/telemetry", """{"temp":19}""");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        var refused = await Mosquitto.PublishAsync(Mosquitto.Connect(Fx.Server, serial, first), $"devices/{serial}/telemetry", """{"temp":19}""");
        Assert.NotEqual(0, refused.ExitCode);

        await page.GetByRole(AriaRole.Button, new() { Name = "I have stored it" }).ClickAsync();
        await page.ReloadAsync();
        await Expect(page.GetByTestId("live-status")).ToHaveTextAsync("Live");
        await Expect(page.GetByTestId("device-secret")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Audit trail" })).ToContainTextAsync("device_secret_rotated");
    }

    [Fact]
    public async Task Room_tenant_sees_the_rooms_climate_read_only()
    {
        ExternalTool.RequireMosquitto();
        var org = await TestOrg.CreateAsync(Fx.Server);
        var roomId = await Fx.CreateRoomAsync(org.Id, "Suite 4");
        var device = await org.DeviceAsync("EC-ROOM");
        await org.Http.PatchAsync($"devices/{device.Serial}", JsonContent(new { room_id = roomId }));
        await PublishAsync(device, "telemetry", """{"temp":22.4,"hum":47,"co2":640}""");
        var tenant = await Fx.CreateUserAsync("tenant", org.Id, roomId);
        var page = await SignedInAsync(tenant);
        await Expect(page).ToHaveURLAsync(new Regex("/portal/room$"));

        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Temperature" })).ToContainTextAsync("22.4");
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Humidity" })).ToContainTextAsync("47");
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "CO₂" })).ToContainTextAsync("640");
        await Expect(page.GetByTestId("charts").Locator(".ec-chart canvas")).Not.ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Set desired" })).ToHaveCountAsync(0);
        await Screenshots.TakeAsync(page, "room-tenant");
    }

    /// <summary>Opens a MudSelect and picks an option by its text.</summary>
    private static async Task ChooseAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
    }

    private static StringContent JsonContent(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
