using System.Net;

namespace EdgeConductor.Server.Tests.Mqtt;

/// <summary>
/// POST /api/v1/mqtt/acl/reload is the super admin's alone (it is not org-scoped, so it is not in the tenant-isolation
/// matrix): every other role and API keys get 403; a super admin on a server without EC_MQTT_ACL_FILE gets 409. The
/// reload itself (200, 400 naming the line) is tested with real MQTT clients in Telemetry.Tests/Mqtt/MqttAclFileTests.
/// </summary>
public sealed class MqttAclApiTests(EcServerFactory server) : IClassFixture<EcServerFactory>
{
    private const string Path = EcApi.Base + "/mqtt/acl/reload";

    [Fact]
    public async Task EveryoneButSuperAdmin_Forbidden()
    {
        var partner = await server.Api.CreatePartnerAsync();
        var org = await server.Api.CreateOrgAsync(partnerId: partner.Id);
        var room = await server.Api.CreateRoomAsync(org.Id);
        var key = await server.Api.CreateApiKeyAsync(org.Id);
        var tokens = new List<string>
        {
            (await server.Api.CreatePartnerUserAsync(partner.Id)).Token,
            (await server.Api.CreateUserAsync(org.Id, "org_admin")).Token,
            (await server.Api.CreateUserAsync(org.Id, "customer")).Token,
            (await server.Api.CreateUserAsync(org.Id, "tenant", room.Id)).Token,
            key.Key,
        };
        foreach (var token in tokens)
        {
            using var c = server.Api.Client(token);
            await c.PostAsync(Path, null).ExpectProblemAsync(HttpStatusCode.Forbidden);
        }

        using var anonymous = server.Api.Client(null);
        await anonymous.PostAsync(Path, null).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SuperAdmin_NoAclFileConfigured_Conflict()
    {
        using var admin = await server.Api.AdminClientAsync();
        await admin.PostAsync(Path, null).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task OpenApi_DescribesTheEndpoint()
    {
        using var c = server.Api.Client(null);
        var doc = await c.GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        var op = doc.GetProperty("paths").GetProperty("/api/v1/mqtt/acl/reload").GetProperty("post");
        foreach (var status in new[] { "200", "400", "403", "409" })
            Assert.True(op.GetProperty("responses").TryGetProperty(status, out _), $"no {status} response documented");
    }
}
