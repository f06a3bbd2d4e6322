namespace EdgeConductor.Web.Tests.Settings;

/// <summary>Notification e-mail settings (issue 16): kinds saved through the API; the test e-mail says clearly when SMTP is not configured.</summary>
public sealed class NotificationSettingsTests(ConsoleFixture fx) : ConsoleTest(fx)
{
    [Fact]
    public async Task Kinds_are_saved_and_test_email_without_smtp_says_it_is_not_configured()
    {
        var (w, page) = await OpsWorldAsync();
        await w.OpenAsync("/settings/notifications");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Notification settings" })).ToBeVisibleAsync();
        await page.GetByLabel("Send me notification e-mails").CheckAsync();
        await page.GetByLabel("Anomaly detected").CheckAsync();
        await page.GetByLabel("Device went offline").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved");
        await page.ReloadAsync();
        await OpsWorld.WaitInteractiveAsync(page);
        await Expect(page.GetByLabel("Anomaly detected")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Device went offline")).Not.ToBeCheckedAsync();

        // The fixture's server has no SMTP settings.
        await page.GetByRole(AriaRole.Button, new() { Name = "Send test e-mail" }).ClickAsync();
        await Expect(page.GetByTestId("test-email-result")).ToContainTextAsync("E-mail is not configured");
        await Screenshots.TakeAsync(page, "settings-notifications");
        await page.Context.CloseAsync();
    }
}
