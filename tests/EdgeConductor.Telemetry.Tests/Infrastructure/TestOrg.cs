using System.Net;
using System.Text.Json.Nodes;

namespace EdgeConductor.Telemetry.Tests.Infrastructure;

/// <summary>A device registered in a <see cref="TestOrg"/>: its serial is its MQTT username, its secret the password.</summary>
internal sealed record TestDevice(string Serial, string Secret, TestOrg Org)
{
    public string Topic(string tail) => $"devices/{Serial}/{tail}";
}

/// <summary>An enterprise org of its own (no rate limit) with an API key; tests never share orgs or devices.</summary>
internal sealed class TestOrg
{
    private static int _counter;

    private TestOrg(EcServer server, string id, string apiKey, string apiKeyId)
    {
        Server = server;
        Id = id;
        ApiKey = apiKey;
        ApiKeyId = apiKeyId;
        Http = server.Http(apiKey);
    }

    public EcServer Server { get; }
    public string Id { get; }
    public string ApiKey { get; }
    public string ApiKeyId { get; }

    /// <summary>Authenticated with the org's API key.</summary>
    public HttpClient Http { get; }

    public static async Task<HttpClient> AdminAsync(EcServer server)
    {
        using var anon = server.Http();
        var login = await anon.PostJsonAsync("auth/login", new { email = EcServer.AdminEmail, password = EcServer.AdminPassword }, HttpStatusCode.OK);
        return server.Http(login["access_token"]!.GetValue<string>());
    }

    public static async Task<TestOrg> CreateAsync(EcServer server, string? name = null)
    {
        using var admin = await AdminAsync(server);
        var n = Interlocked.Increment(ref _counter);
        var org = await admin.PostJsonAsync("orgs", new { name = name ?? $"Telemetry Test Org {n} {Guid.NewGuid():N}", plan = "enterprise" }, HttpStatusCode.Created);
        var id = org["id"]!.GetValue<string>();
        var key = await admin.PostJsonAsync($"orgs/{id}/api-keys", new { name = "tests" }, HttpStatusCode.Created);
        return new TestOrg(server, id, key["key"]!.GetValue<string>(), key["id"]!.GetValue<string>());
    }

    public async Task<TestDevice> DeviceAsync(string prefix = "EC-T")
    {
        var serial = $"{prefix}-{Guid.NewGuid().ToString("N")[..10].ToUpperInvariant()}";
        var created = await Http.PostJsonAsync("devices/register", new { serial_no = serial, product_type = "EC-CLIMATE-V1" }, HttpStatusCode.Created);
        return new TestDevice(serial, created["device_secret"]!.GetValue<string>(), this);
    }

    /// <summary>The same org and API key against another server on the same data (a restart).</summary>
    public TestOrg On(EcServer server) => new(server, Id, ApiKey, ApiKeyId);

    public Task<JsonNode> GetAsync(string url, HttpStatusCode status = HttpStatusCode.OK) => Http.GetJsonAsync(url, status);
}
