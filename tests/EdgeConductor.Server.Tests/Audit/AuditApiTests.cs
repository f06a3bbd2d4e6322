using EdgeConductor.Server.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Server.Tests.Audit;

/// <summary>GET /orgs/:id/audit: who did what to which target when, newest first, 100 by default, with paging.</summary>
public sealed class AuditApiTests(EcServerFactory server) : IClassFixture<EcServerFactory>
{
    private EcApi Api => server.Api;

    private static string AuditPath(string orgId, string query = "") => $"{EcApi.Base}/orgs/{orgId}/audit{query}";

    [Fact]
    public async Task RegistryActions_AreRecordedWithActorTargetAndTime()
    {
        var org = await Api.CreateOrgAsync();
        var key = await Api.CreateApiKeyAsync(org.Id);
        var d = await Api.RegisterDeviceAsync(org.Id, bearer: key.Key);
        using (var k = Api.Client(key.Key))
        {
            await k.PostAsync($"{EcApi.Base}/devices/{d.SerialNo}/secret/rotate", null).ExpectAsync(HttpStatusCode.OK);
            await k.DeleteAsync($"{EcApi.Base}/devices/{d.SerialNo}").ExpectAsync(HttpStatusCode.OK);
        }

        using var admin = await Api.AdminClientAsync();
        var events = await admin.GetAsync(AuditPath(org.Id)).ExpectAsync(HttpStatusCode.OK);
        var actions = events.EnumerateArray().Select(e => e.Str("action")).ToList();
        Assert.Equal(["device_deleted", "device_secret_rotated", "device_registered", "api_key_created", "org_created"], actions);

        var registered = events.EnumerateArray().Single(e => e.Str("action") == "device_registered");
        Assert.Equal("api_key", registered.Str("actor_type"));
        Assert.Equal(key.Id, registered.Str("actor_id"));
        Assert.Equal("device", registered.Str("target_type"));
        Assert.Equal(d.SerialNo, registered.Str("target_id"));
        Assert.Equal(org.Id, registered.Str("org_id"));
        Assert.Equal("EC-CLIMATE-V1", registered.GetProperty("details").Str("product_type"));
        Assert.EndsWith("Z", registered.Str("created_at"));
        Assert.True(registered.GetProperty("id").GetInt64() > 0);

        var keyEvent = events.EnumerateArray().Single(e => e.Str("action") == "api_key_created");
        Assert.DoesNotContain(key.Key, keyEvent.ToString()); // the raw key never lands in the log
        Assert.Equal("user", keyEvent.Str("actor_type"));
    }

    [Fact]
    public async Task List_DefaultsToLast100_NewestFirst_AndPages()
    {
        var org = await Api.CreateOrgAsync();
        var log = server.Services.GetRequiredService<AuditLog>();
        for (var i = 0; i < 130; i++)
            await log.WriteAsync(new AuditEntry(org.Id, "test_event", "system", null, "n", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var admin = await Api.AdminClientAsync();

        var first = await admin.GetAsync(AuditPath(org.Id, "?action=test_event")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(100, first.GetArrayLength());
        Assert.Equal("129", first[0].Str("target_id"));
        Assert.Equal("30", first[99].Str("target_id"));
        var ids = first.EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.OrderByDescending(x => x), ids);

        var older = await admin.GetAsync(AuditPath(org.Id, $"?action=test_event&before_id={ids[^1]}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(30, older.GetArrayLength());
        Assert.Equal("29", older[0].Str("target_id"));
        Assert.Equal("0", older[29].Str("target_id"));

        var page = await admin.GetAsync(AuditPath(org.Id, "?action=test_event&limit=5&offset=10")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["119", "118", "117", "116", "115"], page.EnumerateArray().Select(e => e.Str("target_id")).ToArray());

        var all = await admin.GetAsync(AuditPath(org.Id, "?limit=1000")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(131, all.GetArrayLength()); // + org_created
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=1001", "limit")]
    [InlineData("?offset=-5", "offset")]
    public async Task List_BadPaging_Returns400(string query, string field)
    {
        var org = await Api.CreateOrgAsync();
        using var admin = await Api.AdminClientAsync();
        var p = await admin.GetAsync(AuditPath(org.Id, query)).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task List_OnlyTheOrgsOwnEvents()
    {
        var a = await Api.CreateOrgAsync();
        var b = await Api.CreateOrgAsync();
        await Api.RegisterDeviceAsync(b.Id);
        using var admin = await Api.AdminClientAsync();
        var events = await admin.GetAsync(AuditPath(a.Id)).ExpectAsync(HttpStatusCode.OK);
        Assert.All(events.EnumerateArray(), e => Assert.Equal(a.Id, e.Str("org_id")));
    }

    [Fact]
    public async Task List_CustomerIs403_OtherOrgIs404()
    {
        var org = await Api.CreateOrgAsync();
        var other = await Api.CreateOrgAsync();
        var customer = await Api.CreateUserAsync(org.Id, "customer");
        using var c = Api.Client(customer.Token);
        await c.GetAsync(AuditPath(org.Id)).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await c.GetAsync(AuditPath(other.Id)).ExpectProblemAsync(HttpStatusCode.NotFound);
    }
}
