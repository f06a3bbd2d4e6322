using System.Net.Http.Json;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Notifications;
using EdgeConductor.Server.Ota;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Server.Tests.Tenancy;

/// <summary>Who acts in the isolation matrix. Everyone but the super admin belongs to org A (partner A owns org A).</summary>
public enum Actor
{
    SuperAdmin,
    PartnerOfA,
    OrgAdminOfA,
    ApiKeyOfA,
    CustomerOfA,
    TenantOfA,
}

/// <summary>Whose resource the request is about: org A's (the actor's own) or org B's (someone else's).</summary>
public enum Side
{
    Own,
    Other,
}

/// <summary>What an endpoint lets a role do with a resource it can see.</summary>
public enum Access
{
    /// <summary>Every member of the org may see it.</summary>
    Read,

    /// <summary>Only managers (super admin, the org's partner, org admins, API keys) may use it; others who can see the org get 403.</summary>
    Manage,

    /// <summary>Only the super admin and the partner itself; everyone else gets 404.</summary>
    PartnerOnly,

    /// <summary>Managers and customers; tenants (read-only) get 403.</summary>
    ManageOrCustomer,
}

/// <summary>Two orgs under two partners, each with a room, users of every role and an API key.</summary>
public sealed class IsolationWorld
{
    public required TestPartner PartnerA { get; init; }
    public required TestPartner PartnerB { get; init; }
    public required TestOrg OrgA { get; init; }
    public required TestOrg OrgB { get; init; }
    public required TestRoom RoomA { get; init; }
    public required TestRoom RoomB { get; init; }
    public required TestUser PartnerUserA { get; init; }
    public required TestUser OrgAdminA { get; init; }
    public required TestUser CustomerA { get; init; }
    public required TestUser CustomerB { get; init; }
    public required TestUser TenantA { get; init; }
    public required TestApiKey KeyA { get; init; }
    public required string AdminToken { get; init; }

    public TestOrg Org(Side s) => s == Side.Own ? OrgA : OrgB;
    public TestRoom Room(Side s) => s == Side.Own ? RoomA : RoomB;
    public TestUser Customer(Side s) => s == Side.Own ? CustomerA : CustomerB;
    public TestPartner Partner(Side s) => s == Side.Own ? PartnerA : PartnerB;

    public string Token(Actor a) => a switch
    {
        Actor.SuperAdmin => AdminToken,
        Actor.PartnerOfA => PartnerUserA.Token,
        Actor.OrgAdminOfA => OrgAdminA.Token,
        Actor.ApiKeyOfA => KeyA.Key,
        Actor.CustomerOfA => CustomerA.Token,
        Actor.TenantOfA => TenantA.Token,
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    public static async Task<IsolationWorld> CreateAsync(EcApi api)
    {
        var pa = await api.CreatePartnerAsync();
        var pb = await api.CreatePartnerAsync();
        var a = await api.CreateOrgAsync(partnerId: pa.Id);
        var b = await api.CreateOrgAsync(partnerId: pb.Id);
        var roomA = await api.CreateRoomAsync(a.Id);
        var roomB = await api.CreateRoomAsync(b.Id);
        return new IsolationWorld
        {
            PartnerA = pa, PartnerB = pb, OrgA = a, OrgB = b, RoomA = roomA, RoomB = roomB,
            PartnerUserA = await api.CreatePartnerUserAsync(pa.Id),
            OrgAdminA = await api.CreateUserAsync(a.Id, "org_admin"),
            CustomerA = await api.CreateUserAsync(a.Id, "customer"),
            CustomerB = await api.CreateUserAsync(b.Id, "customer"),
            TenantA = await api.CreateUserAsync(a.Id, "tenant", roomA.Id),
            KeyA = await api.CreateApiKeyAsync(a.Id),
            AdminToken = await api.AdminTokenAsync(),
        };
    }
}

public sealed class IsolationServer : EcServerFactory
{
    public IsolationWorld World { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        World = await IsolationWorld.CreateAsync(Api);
    }
}

/// <summary>
/// Tenant isolation, proven for every org-scoped endpoint × every role: acting on org B's resources answers 404 (never
/// 200, never a 403 that would confirm the resource exists); acting on the actor's own org answers success, or 403 for a
/// role that may see but not change. To cover a new endpoint, add one line to <see cref="Endpoints"/>.
/// </summary>
public sealed class TenantIsolationMatrixTests(IsolationServer server) : IClassFixture<IsolationServer>
{
    private const string B = EcApi.Base;

    /// <summary>Builds the request for one case; may first create the target resource (as the super admin) in the side's org.</summary>
    private delegate Task<HttpRequestMessage> RequestBuilder(IsolationWorld w, Side side, IsolationServer server);

    private sealed record Endpoint(string Name, Access Access, HttpStatusCode Success, RequestBuilder Build, bool Streams = false);

    private static HttpRequestMessage Req(HttpMethod m, string path, object? body = null) =>
        new(m, path) { Content = body is null ? null : JsonContent.Create(body, options: HttpJson.Options) };

    /// <summary>A fresh device in the side's org, in its room and assigned to its customer (so customers and tenants of A see A's).</summary>
    private static async Task<string> DeviceIn(IsolationWorld w, Side s, EcApi api)
    {
        var d = await api.RegisterDeviceAsync(w.Org(s).Id);
        await api.PatchDeviceAsync(d.SerialNo, new { room_id = w.Room(s).Id, tenant_id = w.Customer(s).Id });
        return d.SerialNo;
    }

    private static readonly Endpoint[] Endpoints =
    [
        new("GET /orgs/:id", Access.Read, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}"))),
        new("PATCH /orgs/:id", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Patch, $"{B}/orgs/{w.Org(s).Id}", new { primary_color = "#112233" }))),
        new("GET /orgs/:id/users", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/users"))),
        new("POST /orgs/:id/users", Access.Manage, HttpStatusCode.Created, (w, s, _) => Task.FromResult(Req(HttpMethod.Post, $"{B}/orgs/{w.Org(s).Id}/users", new { email = Unique.Email(), role = "customer", password = EcApi.DefaultPassword }))),
        new("GET /users/:id", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/users/{(await srv.Api.CreateUserAsync(w.Org(s).Id, "customer")).Id}")),
        new("PATCH /users/:id", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Patch, $"{B}/users/{(await srv.Api.CreateUserAsync(w.Org(s).Id, "customer")).Id}", new { disabled = true })),
        new("DELETE /users/:id", Access.Manage, HttpStatusCode.NoContent, async (w, s, srv) => Req(HttpMethod.Delete, $"{B}/users/{(await srv.Api.CreateUserAsync(w.Org(s).Id, "customer")).Id}")),
        new("GET /orgs/:id/rooms", Access.Read, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/rooms"))),
        new("POST /orgs/:id/rooms", Access.Manage, HttpStatusCode.Created, (w, s, _) => Task.FromResult(Req(HttpMethod.Post, $"{B}/orgs/{w.Org(s).Id}/rooms", new { name = "Lab" }))),
        new("GET /orgs/:id/api-keys", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/api-keys"))),
        new("POST /orgs/:id/api-keys", Access.Manage, HttpStatusCode.Created, (w, s, _) => Task.FromResult(Req(HttpMethod.Post, $"{B}/orgs/{w.Org(s).Id}/api-keys", new { name = "k" }))),
        new("DELETE /api-keys/:id", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Delete, $"{B}/api-keys/{(await srv.Api.CreateApiKeyAsync(w.Org(s).Id)).Id}")),
        new("GET /orgs/:id/audit", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/audit"))),
        new("POST /devices/register", Access.Manage, HttpStatusCode.Created, (w, s, _) => Task.FromResult(Req(HttpMethod.Post, $"{B}/devices/register", new { serial_no = Unique.Serial(), product_type = "EC-CLIMATE-V1", org_id = w.Org(s).Id }))),
        new("GET /devices/:serial", Access.Read, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}")),
        new("PATCH /devices/:serial", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Patch, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}", new { tags = new[] { "x" } })),
        new("DELETE /devices/:serial", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Delete, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}")),
        new("POST /devices/:serial/secret/rotate", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Post, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}/secret/rotate")),
        new("GET /partners/:id", Access.PartnerOnly, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/partners/{w.Partner(s).Id}"))),
        new("GET /partners/:id/stats", Access.PartnerOnly, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/partners/{w.Partner(s).Id}/stats"))),
        new("POST /partners/:id/orgs", Access.PartnerOnly, HttpStatusCode.Created, (w, s, _) => Task.FromResult(Req(HttpMethod.Post, $"{B}/partners/{w.Partner(s).Id}/orgs", new { name = Unique.Name(), plan = "enterprise" }))),
        // Telemetry, shadow, commands, notifications and live streams (the features built on the registry).
        new("POST /devices/:serial/telemetry", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Post, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}/telemetry", new { temp = 21.5 })),
        new("GET /devices/:serial/telemetry", Access.Read, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}/telemetry")),
        new("GET /devices/:serial/telemetry/recent", Access.Read, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}/telemetry/recent")),
        new("GET /devices/:serial/telemetry/latest", Access.Read, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}/telemetry/latest")),
        new("GET /devices/:serial/telemetry/aggregate", Access.Read, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}/telemetry/aggregate?metric=temp&interval=1h")),
        new("GET /devices/:serial/shadow", Access.Read, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}/shadow")),
        new("PATCH /devices/:serial/shadow/desired", Access.ManageOrCustomer, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Patch, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}/shadow/desired", new { relay = true })),
        new("POST /devices/:serial/reboot", Access.Manage, HttpStatusCode.Accepted, async (w, s, srv) => Req(HttpMethod.Post, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}/reboot")),
        new("GET /devices/:serial/commands", Access.Read, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}/commands")),
        new("POST /devices/:serial/commands", Access.Manage, HttpStatusCode.Accepted, async (w, s, srv) => Req(HttpMethod.Post, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}/commands", new { cmd = "set_interval", @params = new { seconds = 30 } })),
        new("GET /devices/:serial/commands/recent", Access.Read, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}/commands/recent")),
        new("GET /devices/:serial/commands/:id", Access.Read, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, await CommandIn(w, s, srv))),
        // Only the device itself answers its commands (X-Device-Secret): every user and key gets 403 on its own org's, 404 on another's.
        new("POST /devices/:serial/commands/:id/ack", Access.Manage, HttpStatusCode.Forbidden, async (w, s, srv) => Req(HttpMethod.Post, await CommandIn(w, s, srv) + "/ack", new { status = "accepted" })),
        new("GET /devices/:serial/stream", Access.Read, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}/stream"), Streams: true),
        new("GET /orgs/:id/stream", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/stream")), Streams: true),
        new("GET /orgs/:id/notifications", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/notifications"))),
        new("POST /orgs/:id/notifications/read-all", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Post, $"{B}/orgs/{w.Org(s).Id}/notifications/read-all"))),
        new("PATCH /notifications/:id/read", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Patch, $"{B}/notifications/{await NotificationIn(w, s, srv)}/read")),
        // Rules (issue 11).
        new("GET /orgs/:id/rules", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/rules"))),
        new("POST /orgs/:id/rules", Access.Manage, HttpStatusCode.Created, (w, s, _) => Task.FromResult(Req(HttpMethod.Post, $"{B}/orgs/{w.Org(s).Id}/rules", new { name = "CO2 High", rule_type = "threshold", condition = new { field = "co2", op = ">", value = 1000 }, action = new { key = "relay", value = true } }))),
        new("GET /rules/:id", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/rules/{await RuleIn(w, s, srv)}")),
        new("PATCH /rules/:id", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Patch, $"{B}/rules/{await RuleIn(w, s, srv)}", new { enabled = false })),
        new("DELETE /rules/:id", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Delete, $"{B}/rules/{await RuleIn(w, s, srv)}")),
        new("POST /rules/:id/test", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Post, $"{B}/rules/{await RuleIn(w, s, srv)}/test")),
        new("POST /orgs/:id/webhook-secret", Access.Manage, HttpStatusCode.Created, (w, s, _) => Task.FromResult(Req(HttpMethod.Post, $"{B}/orgs/{w.Org(s).Id}/webhook-secret", new { }))),
        new("GET /orgs/:id/webhook-secret", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/webhook-secret"))),
        new("GET /orgs/:id/webhook-deliveries", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/webhook-deliveries"))),
        new("GET /webhook-deliveries/:id", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/webhook-deliveries/{await WebhookDeliveryIn(w, s, srv)}")),
        new("POST /webhook-deliveries/:id/replay", Access.Manage, HttpStatusCode.Accepted, async (w, s, srv) => Req(HttpMethod.Post, $"{B}/webhook-deliveries/{await WebhookDeliveryIn(w, s, srv)}/replay")),
        // Needs the rules feature (POST /orgs/:id/rules), merged from its own branch.
        new("GET /rules/:id/deliveries", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/rules/{await RuleWithWebhookIn(w, s, srv)}/deliveries")),
        new("GET /orgs/:id/anomalies", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/anomalies"))),
        new("GET /anomalies/:id", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/anomalies/{await AnomalyIn(w, s, srv)}")),
        new("PATCH /anomalies/:id/acknowledge", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Patch, $"{B}/anomalies/{await AnomalyIn(w, s, srv)}/acknowledge")),
        new("GET /orgs/:id/anomaly-settings", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/anomaly-settings"))),
        new("PATCH /orgs/:id/anomaly-settings", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Patch, $"{B}/orgs/{w.Org(s).Id}/anomaly-settings", new { robust_zscore = false }))),
        new("POST /orgs/:id/rooms/:room/claim-links", Access.Manage, HttpStatusCode.Created, (w, s, _) => Task.FromResult(Req(HttpMethod.Post, $"{B}/orgs/{w.Org(s).Id}/rooms/{w.Room(s).Id}/claim-links", new { expires_in_minutes = 60 }))),
        new("GET /orgs/:id/notifications/unread-count", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/notifications/unread-count"))),
        // No SMTP in this server: a manager of the org gets the 409 "not configured" problem; everyone else 403/404 first.
        new("POST /orgs/:id/notifications/test-email", Access.Manage, HttpStatusCode.Conflict, (w, s, _) => Task.FromResult(Req(HttpMethod.Post, $"{B}/orgs/{w.Org(s).Id}/notifications/test-email", new { }))),
        // OTA (docs/ota.md)
        new("POST /orgs/:id/firmware", Access.Manage, HttpStatusCode.Created, (w, s, _) => Task.FromResult(FirmwareUpload(w, s))),
        new("GET /orgs/:id/firmware", Access.Read, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/firmware"))),
        new("GET /firmware/:id", Access.Read, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/firmware/{await FirmwareIn(w, s, srv)}")),
        new("DELETE /firmware/:id", Access.Manage, HttpStatusCode.NoContent, async (w, s, srv) => Req(HttpMethod.Delete, $"{B}/firmware/{await FirmwareIn(w, s, srv)}")),
        new("POST /orgs/:id/firmware-keys", Access.Manage, HttpStatusCode.Created, (w, s, _) => Task.FromResult(Req(HttpMethod.Post, $"{B}/orgs/{w.Org(s).Id}/firmware-keys", new { name = "k", public_key_pem = NewP256Pem() }))),
        new("GET /orgs/:id/firmware-keys", Access.Read, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/firmware-keys"))),
        new("DELETE /orgs/:id/firmware-keys/:key", Access.Manage, HttpStatusCode.NoContent, async (w, s, srv) => Req(HttpMethod.Delete, $"{B}/orgs/{w.Org(s).Id}/firmware-keys/{(await srv.Services.GetRequiredService<FirmwareStore>().AddKeyAsync(w.Org(s).Id, "k", NewP256Pem(), CancellationToken.None)).Id}")),
        new("GET /orgs/:id/ota-settings", Access.Read, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/ota-settings"))),
        new("PUT /orgs/:id/ota-settings", Access.Manage, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Put, $"{B}/orgs/{w.Org(s).Id}/ota-settings", new { require_signature = false }))),
        new("POST /devices/:serial/ota", Access.Manage, HttpStatusCode.Accepted, async (w, s, srv) => Req(HttpMethod.Post, $"{B}/devices/{await DeviceIn(w, s, srv.Api)}/ota", new { firmware_id = await FirmwareIn(w, s, srv) })),
        new("POST /devices/:serial/ota/status", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Post, $"{B}/devices/{await DeviceWithUpdate(w, s, srv)}/ota/status", new { status = "downloading", progress = 5 })),
        new("POST /orgs/:id/ota-jobs", Access.Manage, HttpStatusCode.Created, async (w, s, srv) => { await DeviceIn(w, s, srv.Api); return Req(HttpMethod.Post, $"{B}/orgs/{w.Org(s).Id}/ota-jobs", new { firmware_id = await FirmwareIn(w, s, srv) }); }),
        new("GET /orgs/:id/ota-jobs", Access.Read, HttpStatusCode.OK, (w, s, _) => Task.FromResult(Req(HttpMethod.Get, $"{B}/orgs/{w.Org(s).Id}/ota-jobs"))),
        new("GET /ota-jobs/:id", Access.Read, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Get, $"{B}/ota-jobs/{await JobIn(w, s, srv, "active")}")),
        new("POST /ota-jobs/:id/pause", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Post, $"{B}/ota-jobs/{await JobIn(w, s, srv, "active")}/pause")),
        new("POST /ota-jobs/:id/resume", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Post, $"{B}/ota-jobs/{await JobIn(w, s, srv, "paused")}/resume")),
        new("POST /ota-jobs/:id/cancel", Access.Manage, HttpStatusCode.OK, async (w, s, srv) => Req(HttpMethod.Post, $"{B}/ota-jobs/{await JobIn(w, s, srv, "active")}/cancel")),
    ];

    /// <summary>A reboot (made by the super admin) of a fresh device in the side's org: its /devices/:serial/commands/:id path.</summary>
    private static async Task<string> CommandIn(IsolationWorld w, Side s, IsolationServer srv)
    {
        var serial = await DeviceIn(w, s, srv.Api);
        using var admin = await srv.Api.AdminClientAsync();
        using var r = await admin.PostAsync($"{B}/devices/{serial}/reboot", null);
        r.EnsureSuccessStatusCode();
        var id = System.Text.Json.JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("command_id").GetString();
        return $"{B}/devices/{serial}/commands/{id}";
    }

    /// <summary>A webhook delivery in the side's org, handed to the real outbox as the rules engine does (loopback: refused by SSRF protection at once).</summary>
    private static Task<string> WebhookDeliveryIn(IsolationWorld w, Side s, IsolationServer srv) =>
        srv.Services.GetRequiredService<EdgeConductor.Server.Webhooks.IWebhookOutbox>().EnqueueAsync(new EdgeConductor.Server.Webhooks.WebhookMessage(
            w.Org(s).Id, "http://127.0.0.1:9/hook", null, "rule_fired", new System.Text.Json.Nodes.JsonObject { ["event"] = "rule_fired" }, null),
            CancellationToken.None);

    /// <summary>A threshold rule with a webhook_url in the side's org, created by the super admin through the rules API.</summary>
    private static async Task<string> RuleWithWebhookIn(IsolationWorld w, Side s, IsolationServer srv)
    {
        using var admin = srv.CreateClient(w.AdminToken);
        using var r = await admin.PostAsJsonAsync($"{B}/orgs/{w.Org(s).Id}/rules", new
        {
            name = Unique.Name("Rule"), rule_type = "threshold", condition = new { field = "co2", op = ">", value = 1000 },
            action = new { key = "relay", value = true }, webhook_url = "https://example.com/hook",
        }, HttpJson.Options);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        return (await r.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!.GetValue<string>();
    }

    /// <summary>A firmware release row in the side's org for the registry's product type (no file: the matrix never downloads).</summary>
    private static async Task<string> FirmwareIn(IsolationWorld w, Side s, IsolationServer srv)
    {
        var release = new FirmwareRelease
        {
            Id = Ids.New(), OrgId = w.Org(s).Id, Version = "99." + Random.Shared.Next(1_000_000) + ".0", ProductType = "EC-CLIMATE-V1",
            Size = 1, Sha256 = new string('0', 64), CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        await srv.Services.GetRequiredService<FirmwareStore>().CreateAsync(release, CancellationToken.None);
        return release.Id;
    }

    /// <summary>An OTA job row in the side's org with the given status (no devices).</summary>
    private static async Task<string> JobIn(IsolationWorld w, Side s, IsolationServer srv, string status)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var job = new OtaJob
        {
            Id = Ids.New(), OrgId = w.Org(s).Id, FirmwareId = await FirmwareIn(w, s, srv), TargetKind = "product_type", Target = "EC-CLIMATE-V1",
            Status = status, CreatedAt = now, UpdatedAt = now,
        };
        await srv.Services.GetRequiredService<OtaJobStore>().CreateAsync(job, [], CancellationToken.None);
        return job.Id;
    }

    /// <summary>A device of the side with an update sent to it (pushed as the super admin), for its status report.</summary>
    private static async Task<string> DeviceWithUpdate(IsolationWorld w, Side s, IsolationServer srv)
    {
        var serial = await DeviceIn(w, s, srv.Api);
        using var admin = await srv.Api.AdminClientAsync();
        using var r = await admin.PostAsJsonAsync($"{B}/devices/{serial}/ota", new { firmware_id = await FirmwareIn(w, s, srv) });
        Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        return serial;
    }

    private static string NewP256Pem()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return key.ExportSubjectPublicKeyInfoPem();
    }

    private static HttpRequestMessage FirmwareUpload(IsolationWorld w, Side s)
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent([1, 2, 3, 4]), "file", "fw.bin" },
            { new StringContent("1." + Random.Shared.Next(1_000_000) + ".0"), "version" },
            { new StringContent("EC-CLIMATE-V1"), "product_type" },
        };
        return new HttpRequestMessage(HttpMethod.Post, $"{B}/orgs/{w.Org(s).Id}/firmware") { Content = form };
    }

    /// <summary>A fresh notification in the side's org (there is no API to create one).</summary>
    private static async Task<string> NotificationIn(IsolationWorld w, Side s, IsolationServer srv)
    {
        var store = srv.Services.GetRequiredService<NotificationStore>();
        var title = Unique.Name("Note");
        await store.CreateAsync(w.Org(s).Id, "test", "info", title, null, null, CancellationToken.None);
        var list = await store.ListAsync(w.Org(s).Id, false, new Paging(500, 0), CancellationToken.None);
        return list.Single(n => n.Title == title).Id;
    }

    /// <summary>A fresh threshold rule in the side's org, stored directly (as the API would).</summary>
    private static async Task<string> RuleIn(IsolationWorld w, Side s, IsolationServer srv)
    {
        var id = Guid.CreateVersion7().ToString();
        await srv.Services.GetRequiredService<EdgeConductor.Server.Rules.RuleStore>().CreateAsync(new EdgeConductor.Server.Rules.RuleRecord
        {
            Id = id, OrgId = w.Org(s).Id, Name = "r", RuleType = "threshold", Condition = """{"field":"co2","op":">","value":1000}""",
            Action = """{"key":"relay","value":true}""", Enabled = 1, ScheduleSince = 0, CreatedAt = 0, UpdatedAt = 0,
        }, CancellationToken.None);
        return id;
    }

    /// <summary>A fresh anomaly in the side's org (raised through the store, as the detector does).</summary>
    private static async Task<string> AnomalyIn(IsolationWorld w, Side s, IsolationServer srv)
    {
        var finding = new EdgeConductor.Server.Anomalies.AnomalyFinding("rolling_mean", "critical", 20, 50);
        var a = await srv.Services.GetRequiredService<EdgeConductor.Server.Anomalies.AnomalyStore>().TryRaiseAsync(
            new(w.Org(s).Id, Guid.NewGuid().ToString(), Unique.Serial(), "temp", 30, 0, finding), CancellationToken.None);
        return a!.Id;
    }

    public static TheoryData<string, Actor, Side> Cases()
    {
        var data = new TheoryData<string, Actor, Side>();
        foreach (var e in Endpoints)
            foreach (var a in Enum.GetValues<Actor>())
                foreach (var s in Enum.GetValues<Side>())
                    data.Add(e.Name, a, s);
        return data;
    }

    private static HttpStatusCode Expected(Endpoint e, Actor a, Side s)
    {
        if (a == Actor.SuperAdmin) return e.Success;
        if (s == Side.Other) return HttpStatusCode.NotFound;
        var manager = a is Actor.PartnerOfA or Actor.OrgAdminOfA or Actor.ApiKeyOfA;
        return e.Access switch
        {
            Access.Read => e.Success,
            Access.Manage => manager ? e.Success : HttpStatusCode.Forbidden,
            Access.PartnerOnly => a == Actor.PartnerOfA ? e.Success : HttpStatusCode.NotFound,
            Access.ManageOrCustomer => manager || a == Actor.CustomerOfA ? e.Success : HttpStatusCode.Forbidden,
            _ => throw new ArgumentOutOfRangeException(nameof(e)),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Endpoint_Role_Side_AnswersAsTheMatrixSays(string endpoint, Actor actor, Side side)
    {
        var w = server.World;
        var e = Endpoints.Single(x => x.Name == endpoint);
        using var request = await e.Build(w, side, server);
        using var c = server.CreateClient(w.Token(actor));

        using var r = await c.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        var expected = Expected(e, actor, side);
        if (e.Streams && r.StatusCode == HttpStatusCode.OK)
        {
            Assert.Equal(expected, r.StatusCode);
            Assert.Equal("text/event-stream", r.Content.Headers.ContentType?.MediaType);
            return; // disposing the response ends the stream
        }
        if (expected is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
            await r.ExpectProblemAsync(expected, expected == HttpStatusCode.NotFound ? "NOT_FOUND" : "FORBIDDEN");
        else
            await r.ExpectAsync(expected);
    }

    /// <summary>Endpoints that act on no single org's resource (or on the caller's own session); everything else is in the matrix.</summary>
    private static readonly string[] NotOrgScoped =
    [
        "POST /auth/login", "POST /auth/refresh", "POST /auth/logout", "GET /auth/me",
        "GET /orgs", "POST /orgs", "GET /partners", "POST /partners", "POST /partners/:/users",
        "GET /devices", // a list: filtered by scope, covered by Lists_NeverShowOtherOrgsData
        "GET /users/me/notification-preferences", "PUT /users/me/notification-preferences", // the caller's own settings
        "GET /firmware", "GET /ota-jobs", // lists filtered by scope (OtaReleaseTests.ReleasesAndJobs_AreInvisibleToAnotherOrg)
        "POST /mqtt/acl/reload", // platform-wide, super admin only (MqttAclApiTests: every other role and API keys get 403)
        "GET /firmware/:id/download", // no bearer: a signed device token (OtaReleaseTests.DownloadTokens_ExpiredForeignOrTampered_Are403)
        "GET /branding", // anonymous, public fields only (name, logo, colour) of the org whose custom_domain is the host
        // A one-time claim link is bound to its org and room when it is created (the matrix row above); redeeming it acts
        // on that room only, whoever holds the token (Web.Tests ClaimRoomTests: wrong token, used, expired, a customer).
        "POST /room-claims", "POST /room-claims/check", "POST /room-claims/register",
    ];

    private static string Normalize(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route.Replace("/api/v1", "", StringComparison.Ordinal).TrimEnd('/'), @"(\{[^}]+\}|:[a-z]+)", ":");

    [Fact]
    public void Matrix_CoversEveryApiEndpoint()
    {
        Assert.Equal(Endpoints.Length, Endpoints.Select(e => e.Name).Distinct().Count());
        var routes = server.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .ToHashSet();
        var covered = Endpoints.Select(e => Normalize(e.Name)).Concat(NotOrgScoped.Select(Normalize)).ToHashSet();
        var missing = routes.Except(covered).Order().ToList();
        Assert.True(routes.Count >= Endpoints.Length + NotOrgScoped.Length, $"only {routes.Count} API routes found");
        Assert.True(missing.Count == 0, "Add these endpoints to the isolation matrix (or to NotOrgScoped): " + string.Join(", ", missing));
    }

    public static TheoryData<Actor> NonAdmins() => new(Enum.GetValues<Actor>().Where(a => a != Actor.SuperAdmin));

    [Theory]
    [MemberData(nameof(NonAdmins))]
    public async Task Lists_NeverShowOtherOrgsData(Actor actor)
    {
        var w = server.World;
        var deviceB = await DeviceIn(w, Side.Other, server.Api);
        var deviceA = await DeviceIn(w, Side.Own, server.Api);
        using var c = server.CreateClient(w.Token(actor));

        var orgs = await c.GetAsync($"{B}/orgs").ExpectAsync(HttpStatusCode.OK);
        var orgIds = orgs.EnumerateArray().Select(o => o.Str("id")).ToList();
        Assert.DoesNotContain(w.OrgB.Id, orgIds);
        Assert.Contains(w.OrgA.Id, orgIds);

        var devices = await c.GetAsync($"{B}/devices?limit=1000").ExpectAsync(HttpStatusCode.OK);
        var serials = devices.EnumerateArray().Select(d => d.Str("serial_no")).ToList();
        Assert.DoesNotContain(deviceB, serials);
        Assert.Contains(deviceA, serials);
        Assert.All(devices.EnumerateArray(), d => Assert.Equal(w.OrgA.Id, d.Str("org_id")));

        foreach (var query in new[] { $"org_id={w.OrgB.Id}", $"room_id={w.RoomB.Id}", $"tenant_id={w.CustomerB.Id}" })
        {
            var r = await c.GetAsync($"{B}/devices?{query}");
            Assert.Equal(0, (await r.ExpectAsync(HttpStatusCode.OK)).GetArrayLength());
            Assert.Equal("0", r.Headers.GetValues("X-Total-Count").Single());
        }
    }

    [Fact]
    public async Task Customer_SeesOnlyDevicesAssignedToThem_Tenant_OnlyTheirRoom()
    {
        var w = server.World;
        var api = server.Api;
        var assigned = await DeviceIn(w, Side.Own, api);
        var unassigned = (await api.RegisterDeviceAsync(w.OrgA.Id)).SerialNo;
        var inRoomOnly = (await api.RegisterDeviceAsync(w.OrgA.Id)).SerialNo;
        await api.PatchDeviceAsync(inRoomOnly, new { room_id = w.RoomA.Id });

        using var customer = server.CreateClient(w.CustomerA.Token);
        await customer.GetAsync($"{B}/devices/{assigned}").ExpectAsync(HttpStatusCode.OK);
        await customer.GetAsync($"{B}/devices/{unassigned}").ExpectProblemAsync(HttpStatusCode.NotFound);
        await customer.GetAsync($"{B}/devices/{inRoomOnly}").ExpectProblemAsync(HttpStatusCode.NotFound);

        using var tenant = server.CreateClient(w.TenantA.Token);
        await tenant.GetAsync($"{B}/devices/{assigned}").ExpectAsync(HttpStatusCode.OK);
        await tenant.GetAsync($"{B}/devices/{inRoomOnly}").ExpectAsync(HttpStatusCode.OK);
        await tenant.GetAsync($"{B}/devices/{unassigned}").ExpectProblemAsync(HttpStatusCode.NotFound);
        var list = await tenant.GetAsync($"{B}/devices?limit=1000").ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(unassigned, list.EnumerateArray().Select(d => d.Str("serial_no")));
    }

    [Fact]
    public async Task OrgAdmin_CannotMoveOwnDeviceIntoAnotherOrg_Gets404()
    {
        var w = server.World;
        var serial = await DeviceIn(w, Side.Own, server.Api);
        using var c = server.CreateClient(w.OrgAdminA.Token);
        await c.PatchJsonAsync($"{B}/devices/{serial}", new { org_id = w.OrgB.Id }).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task OrgAdmin_CannotAssignAnotherOrgsRoomOrUser()
    {
        var w = server.World;
        var serial = await DeviceIn(w, Side.Own, server.Api);
        using var c = server.CreateClient(w.OrgAdminA.Token);
        await c.PatchJsonAsync($"{B}/devices/{serial}", new { room_id = w.RoomB.Id }).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await c.PatchJsonAsync($"{B}/devices/{serial}", new { tenant_id = w.CustomerB.Id }).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await c.PostJsonAsync($"{B}/orgs/{w.OrgA.Id}/users", new { email = Unique.Email(), role = "tenant", password = EcApi.DefaultPassword, room_id = w.RoomB.Id })
            .ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task SerialTakenByAnotherOrg_Is409_ButRevealsNoDetails()
    {
        var w = server.World;
        var serialB = await DeviceIn(w, Side.Other, server.Api);
        using var c = server.CreateClient(w.KeyA.Key);
        var p = await c.PostJsonAsync($"{B}/devices/register", new { serial_no = serialB, product_type = "EC-CLIMATE-V1" })
            .ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.DoesNotContain(w.OrgB.Id, p.ToString());
        Assert.DoesNotContain(w.OrgB.Name, p.ToString());
    }

    [Fact]
    public async Task Partner_CannotCreateOrgUnderAnotherPartner()
    {
        var w = server.World;
        using var c = server.CreateClient(w.PartnerUserA.Token);
        await c.PostJsonAsync($"{B}/orgs", new { name = Unique.Name(), partner_id = w.PartnerB.Id }).ExpectProblemAsync(HttpStatusCode.BadRequest);
        var mine = await c.PostJsonAsync($"{B}/orgs", new { name = Unique.Name() }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(w.PartnerA.Id, mine.Str("partner_id"));
    }
}
