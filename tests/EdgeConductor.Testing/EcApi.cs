using System.Net;
using System.Text.Json;

namespace EdgeConductor.Testing;

/// <summary>A logged-in user: tokens from POST /auth/login.</summary>
public sealed record TestSession(string AccessToken, string RefreshToken, string UserId, string Email, string Role, string? OrgId);

/// <summary>A user created for a test, with its password and a session.</summary>
public sealed record TestUser(string Id, string Email, string Password, string Role, string? OrgId, string? PartnerId, TestSession Session)
{
    public string Token => Session.AccessToken;
}

public sealed record TestOrg(string Id, string Name, string Slug, string Plan, string? PartnerId);

public sealed record TestPartner(string Id, string Name, string Slug);

public sealed record TestApiKey(string Id, string Key, string Prefix, string OrgId);

public sealed record TestRoom(string Id, string OrgId, string Name);

public sealed record TestDevice(string Id, string SerialNo, string? OrgId, string? DeviceSecret, JsonElement Json);

/// <summary>
/// Set-up helpers over the real HTTP API. Every helper asserts its call succeeded, so a failing set-up says which step
/// failed and with what body. The admin session is cached and renewed when the fake clock has moved on.
/// </summary>
public sealed class EcApi(EcServerFactory factory)
{
    public const string Base = "/api/v1";
    public const string DefaultPassword = "test-password-1";

    private readonly SemaphoreSlim _adminLock = new(1, 1);
    private (string Token, DateTimeOffset IssuedAt)? _admin;

    public async Task<TestSession> LoginAsync(string email, string password)
    {
        using var c = factory.CreateClient(bearer: null);
        var body = await c.PostJsonAsync($"{Base}/auth/login", new { email, password }).ExpectAsync(HttpStatusCode.OK);
        var user = body.GetProperty("user");
        return new TestSession(body.Str("access_token"), body.Str("refresh_token"), user.Str("id"), user.Str("email"),
            user.Str("role"), user.StrOrNull("org_id"));
    }

    /// <summary>An access token of the bootstrap super admin.</summary>
    public async Task<string> AdminTokenAsync()
    {
        await _adminLock.WaitAsync();
        try
        {
            var now = factory.Clock.GetUtcNow();
            if (_admin is { } a && now - a.IssuedAt < TimeSpan.FromMinutes(10) && now >= a.IssuedAt) return a.Token;
            var s = await LoginAsync(factory.Options.AdminEmail, factory.Options.AdminPassword);
            _admin = (s.AccessToken, now);
            return s.AccessToken;
        }
        finally
        {
            _adminLock.Release();
        }
    }

    public async Task<HttpClient> AdminClientAsync() => factory.CreateClient(await AdminTokenAsync());

    public HttpClient Client(string? bearer) => factory.CreateClient(bearer);

    /// <summary>Creates an org as the super admin. Plan 'enterprise' by default, so plan rate limits stay out of the way.</summary>
    public async Task<TestOrg> CreateOrgAsync(string? name = null, string plan = "enterprise", string? partnerId = null)
    {
        using var c = await AdminClientAsync();
        name ??= Unique.Name();
        var o = await c.PostJsonAsync($"{Base}/orgs", new { name, slug = Unique.Slug(), plan, partner_id = partnerId })
            .ExpectAsync(HttpStatusCode.Created);
        return new TestOrg(o.Str("id"), o.Str("name"), o.Str("slug"), o.Str("plan"), o.StrOrNull("partner_id"));
    }

    public async Task<TestPartner> CreatePartnerAsync(string plan = "enterprise")
    {
        using var c = await AdminClientAsync();
        var name = Unique.Name("Partner");
        var p = await c.PostJsonAsync($"{Base}/partners", new { name, slug = Unique.Slug("partner"), contact_email = Unique.Email("partner"), plan })
            .ExpectAsync(HttpStatusCode.Created);
        return new TestPartner(p.Str("id"), p.Str("name"), p.Str("slug"));
    }

    /// <summary>A partner user (created by the super admin) and its session.</summary>
    public async Task<TestUser> CreatePartnerUserAsync(string partnerId)
    {
        using var c = await AdminClientAsync();
        var email = Unique.Email("partner");
        var u = await c.PostJsonAsync($"{Base}/partners/{partnerId}/users", new { email, password = DefaultPassword })
            .ExpectAsync(HttpStatusCode.Created);
        var s = await LoginAsync(email, DefaultPassword);
        return new TestUser(u.Str("id"), email, DefaultPassword, u.Str("role"), null, partnerId, s);
    }

    /// <summary>An org user with <paramref name="role"/> (org_admin, customer, tenant — tenants need a room) and its session.</summary>
    public async Task<TestUser> CreateUserAsync(string orgId, string role, string? roomId = null, string? bearer = null)
    {
        using var c = bearer is null ? await AdminClientAsync() : Client(bearer);
        var email = Unique.Email(role.Replace('_', '-'));
        var u = await c.PostJsonAsync($"{Base}/orgs/{orgId}/users", new { email, role, password = DefaultPassword, room_id = roomId })
            .ExpectAsync(HttpStatusCode.Created);
        var s = await LoginAsync(email, DefaultPassword);
        return new TestUser(u.Str("id"), email, DefaultPassword, role, orgId, null, s);
    }

    public async Task<TestRoom> CreateRoomAsync(string orgId, string? name = null)
    {
        using var c = await AdminClientAsync();
        name ??= Unique.Name("Room");
        var r = await c.PostJsonAsync($"{Base}/orgs/{orgId}/rooms", new { name, floor = "2", building = "HQ" })
            .ExpectAsync(HttpStatusCode.Created);
        return new TestRoom(r.Str("id"), orgId, name);
    }

    public async Task<TestApiKey> CreateApiKeyAsync(string orgId, string? name = null, string? bearer = null)
    {
        using var c = bearer is null ? await AdminClientAsync() : Client(bearer);
        var k = await c.PostJsonAsync($"{Base}/orgs/{orgId}/api-keys", new { name = name ?? Unique.Name("Key") })
            .ExpectAsync(HttpStatusCode.Created);
        return new TestApiKey(k.Str("id"), k.Str("key"), k.Str("prefix"), orgId);
    }

    /// <summary>Registers a new device (201) into <paramref name="orgId"/>, as <paramref name="bearer"/> or the super admin.</summary>
    public async Task<TestDevice> RegisterDeviceAsync(string? orgId, string? serial = null, string productType = "EC-CLIMATE-V1",
        string? bearer = null)
    {
        using var c = bearer is null ? await AdminClientAsync() : Client(bearer);
        serial ??= Unique.Serial();
        var d = await c.PostJsonAsync($"{Base}/devices/register", new { serial_no = serial, product_type = productType, fw_version = "1.0.0", org_id = orgId })
            .ExpectAsync(HttpStatusCode.Created);
        return new TestDevice(d.Str("id"), d.Str("serial_no"), d.StrOrNull("org_id"), d.StrOrNull("device_secret"), d);
    }

    /// <summary>PATCH /devices/:serial as the super admin.</summary>
    public async Task<JsonElement> PatchDeviceAsync(string serial, object patch)
    {
        using var c = await AdminClientAsync();
        return await c.PatchJsonAsync($"{Base}/devices/{serial}", patch).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>
    /// Marks a device as seen at <paramref name="when"/> (default: the server clock's now), straight in the database.
    /// For tests of online/offline rules that must not depend on an ingestion path.
    /// </summary>
    public async Task MarkSeenAsync(string serial, DateTimeOffset? when = null)
    {
        var ms = (when ?? factory.Clock.GetUtcNow()).ToUnixTimeMilliseconds();
        await using var conn = await factory.Database.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "UPDATE devices SET last_seen = @ms WHERE serial_no = @serial";
        var p1 = cmd.CreateParameter(); p1.ParameterName = "ms"; p1.Value = ms; cmd.Parameters.Add(p1);
        var p2 = cmd.CreateParameter(); p2.ParameterName = "serial"; p2.Value = serial; cmd.Parameters.Add(p2);
        if (await cmd.ExecuteNonQueryAsync() != 1) throw new InvalidOperationException($"No device '{serial}'.");
    }
}
