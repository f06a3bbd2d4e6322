using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Notifications;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Platform.Tests.Notifications;

/// <summary>A user made for a test: id, e-mail and a logged-in client.</summary>
internal sealed record BellUser(string Id, string Email, HttpClient Http);

/// <summary>
/// An org under its own partner with two org admins, a partner user, a customer and the org's API key — the people
/// whose bells and inboxes the notification tests look at. Notifications are raised through the real
/// <see cref="INotifier"/> (the one seam every feature calls).
/// </summary>
internal sealed class BellWorld
{
    public const string Password = "Bell-Tests-Password-1!";

    public required EcServer Server { get; init; }
    public required string OrgId { get; init; }
    public required string OrgName { get; init; }
    public required HttpClient ApiKey { get; init; }
    public required BellUser Admin1 { get; init; }
    public required BellUser Admin2 { get; init; }
    public required BellUser PartnerUser { get; init; }
    public required BellUser Customer { get; init; }

    public static async Task<BellWorld> CreateAsync(EcServer server, string color = "#ff6600")
    {
        using var admin = await TestOrg.AdminAsync(server);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var partner = await admin.PostJsonAsync("partners", new { name = $"Partner {tag}" }, HttpStatusCode.Created);
        var partnerId = partner["id"]!.GetValue<string>();
        var orgName = $"Acme Climate {tag}";
        var org = await admin.PostJsonAsync("orgs", new { name = orgName, plan = "enterprise", partner_id = partnerId }, HttpStatusCode.Created);
        var orgId = org["id"]!.GetValue<string>();
        await admin.PatchAsJsonAsync($"orgs/{orgId}", new { primary_color = color }).ExpectAsync(HttpStatusCode.OK);
        var key = await admin.PostJsonAsync($"orgs/{orgId}/api-keys", new { name = "bell" }, HttpStatusCode.Created);
        return new BellWorld
        {
            Server = server, OrgId = orgId, OrgName = orgName,
            ApiKey = server.Http(key["key"]!.GetValue<string>()),
            Admin1 = await UserAsync(server, admin, $"orgs/{orgId}/users", $"admin1-{tag}@bell.test", "org_admin"),
            Admin2 = await UserAsync(server, admin, $"orgs/{orgId}/users", $"admin2-{tag}@bell.test", "org_admin"),
            PartnerUser = await UserAsync(server, admin, $"partners/{partnerId}/users", $"partner-{tag}@bell.test", null),
            Customer = await UserAsync(server, admin, $"orgs/{orgId}/users", $"customer-{tag}@bell.test", "customer"),
        };
    }

    private static async Task<BellUser> UserAsync(EcServer server, HttpClient admin, string url, string email, string? role)
    {
        object body = role is null ? new { email, password = Password } : new { email, password = Password, role };
        var created = await admin.PostJsonAsync(url, body, HttpStatusCode.Created);
        using var anon = server.Http();
        var login = await anon.PostJsonAsync("auth/login", new { email, password = Password }, HttpStatusCode.OK);
        return new BellUser(created["id"]!.GetValue<string>(), email, server.Http(login["access_token"]!.GetValue<string>()));
    }

    /// <summary>Raises a notification in this org the way every feature does.</summary>
    public Task RaiseAsync(string title, string kind = NotificationKinds.DeviceOffline, string severity = "warning", string? serial = null,
        IReadOnlyDictionary<string, object?>? data = null) =>
        Server.Services.GetRequiredService<INotifier>().NotifyAsync(
            new NotificationEvent(OrgId, kind, severity, title, $"Body of {title}", serial, data), CancellationToken.None);

    /// <summary>An anomaly notification with the data the anomaly feature sends (seed 001's CO₂ example).</summary>
    public Task RaiseAnomalyAsync(string serial, string severity = "warning", string field = "co2", double value = 1840, double baseline = 1103,
        double deviationPct = 66.8) =>
        RaiseAsync($"{field} anomaly on {serial}", NotificationKinds.Anomaly, severity, serial, new Dictionary<string, object?>
        {
            ["anomaly_id"] = Guid.NewGuid().ToString("N"), ["field"] = field, ["value"] = value, ["baseline"] = baseline,
            ["deviation_pct"] = deviationPct, ["severity"] = severity, ["detector"] = "rolling_mean",
        });

    public static async Task<int> UnreadCountAsync(HttpClient http, string orgId) =>
        (await http.GetJsonAsync($"orgs/{orgId}/notifications/unread-count"))["unread_count"]!.GetValue<int>();

    public static async Task<JsonArray> ListAsync(HttpClient http, string orgId, bool unread = false) =>
        (await http.GetJsonAsync($"orgs/{orgId}/notifications{(unread ? "?unread=true" : "")}")).AsArray();
}
