using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using EdgeConductor.Server.Storage;
using EdgeConductor.Server.Tenancy;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static EdgeConductor.Telemetry.Tests.Security.SecurityHelpers;

namespace EdgeConductor.Telemetry.Tests.Security;

/// <summary>
/// Issue 8 item 2, SSE: each event is checked against the caller's current rights when it is written; a stream whose
/// credential is gone ends at once; streams end when the host stops.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class SseLiveAuthorizationTests(ServerFixture fixture)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private EcServer Server => fixture.Server;

    [Fact]
    public async Task RevokedApiKey_OpenOrgStream_Ends()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var (keyId, key) = await ExtraKeyAsync(org);
        using var http = Server.Http(key);
        await using var sse = await SseStream.OpenAsync(http, $"orgs/{org.Id}/stream");
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"temp":1}""").ExpectAsync(HttpStatusCode.OK);
        await sse.NextAsync("telemetry");

        await RevokeAsync(org, keyId);

        Assert.True(await sse.EndsWithinAsync(Generous), "the revoked key's stream should have ended");
    }

    [Fact]
    public async Task DeviceMovedToAnotherOrg_OldOrgsDeviceStreamReceivesNothing_NewOrgsDoes()
    {
        var a = await TestOrg.CreateAsync(Server);
        var b = await TestOrg.CreateAsync(Server);
        var d = await a.DeviceAsync();
        await using var aStream = await SseStream.OpenAsync(a.Http, $"devices/{d.Serial}/stream");
        await a.Http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"temp":1}""").ExpectAsync(HttpStatusCode.OK);
        await aStream.NextAsync("telemetry", e => e["data"]!["temp"]!.GetValue<int>() == 1);

        await MoveAsync(Server, d, b);
        await using var bStream = await SseStream.OpenAsync(b.Http, $"devices/{d.Serial}/stream");
        await b.Http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"temp":2}""").ExpectAsync(HttpStatusCode.OK);
        await b.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", """{"door_code":"4711"}""").ExpectAsync(HttpStatusCode.OK);
        await bStream.NextAsync("telemetry", e => e["data"]!["temp"]!.GetValue<int>() == 2);
        await bStream.NextAsync("shadow", e => e["desired"]?["door_code"] is not null);

        // Only events from before the move (the control reading's shadow update) may still be queued: nothing of B's.
        var leaked = await aStream.DrainAsync(QuietWindow);
        Assert.DoesNotContain(leaked, e => e.Data.ToJsonString().Contains("4711") || e.Data.ToJsonString().Contains("\"temp\":2"));
    }

    [Fact]
    public async Task UserRoleChanged_OpenOrgStream_Ends()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var email = $"live-{Guid.NewGuid():N}@tests.local";
        const string password = "Live-Rights-Test-1!";
        var user = await org.Http.PostJsonAsync($"orgs/{org.Id}/users", new { email, password, role = "org_admin" }, HttpStatusCode.Created);
        using var anon = Server.Http();
        var login = await anon.PostJsonAsync("auth/login", new { email, password }, HttpStatusCode.OK);
        using var http = Server.Http(login["access_token"]!.GetValue<string>());
        await using var sse = await SseStream.OpenAsync(http, $"orgs/{org.Id}/stream");
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"temp":1}""").ExpectAsync(HttpStatusCode.OK);
        await sse.NextAsync("telemetry");

        // What PATCH /users/:id does (sec-auth's endpoint): change the row, then bump the epoch.
        var db = Server.Services.GetRequiredService<Database>();
        await using (var conn = await db.OpenAsync())
            await conn.ExecuteAsync("UPDATE users SET role = 'customer' WHERE id = @id", new { id = user["id"]!.GetValue<string>() });
        Server.Services.GetRequiredService<AccessEpoch>().Bump(new AccessChange(AccessChange.UserRoleChanged, user["id"]!.GetValue<string>(), org.Id));

        Assert.True(await sse.EndsWithinAsync(Generous), "the stream of a user whose role changed should have ended");
    }

    [Theory]
    [InlineData("disable")]
    [InlineData("delete")]
    [InlineData("demote")]
    public async Task UserDisabledDeletedOrDemoted_ThroughTheUsersApi_OpenOrgStreamEnds_AndTheTokenIsRefused(string change)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var email = $"live-{change}-{Guid.NewGuid():N}@tests.local";
        const string password = "Live-Rights-Test-1!";
        var user = await org.Http.PostJsonAsync($"orgs/{org.Id}/users", new { email, password, role = "org_admin" }, HttpStatusCode.Created);
        var userId = user["id"]!.GetValue<string>();
        using var anon = Server.Http();
        var login = await anon.PostJsonAsync("auth/login", new { email, password }, HttpStatusCode.OK);
        using var http = Server.Http(login["access_token"]!.GetValue<string>());
        await using var sse = await SseStream.OpenAsync(http, $"orgs/{org.Id}/stream");
        await org.Http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"temp":1}""").ExpectAsync(HttpStatusCode.OK);
        await sse.NextAsync("telemetry"); // the stream works before the change

        using var admin = await TestOrg.AdminAsync(Server);
        var done = change switch
        {
            "disable" => await admin.PatchRawAsync($"users/{userId}", """{"disabled":true}"""),
            "delete" => await admin.DeleteAsync($"users/{userId}"),
            _ => await admin.PatchRawAsync($"users/{userId}", """{"role":"customer"}"""),
        };
        Assert.True(done.IsSuccessStatusCode, $"{change}: {(int)done.StatusCode} {await done.Content.ReadAsStringAsync()}");

        Assert.True(await sse.EndsWithinAsync(Generous), $"the stream should have ended after '{change}'");
        var after = await http.GetAsync($"devices/{d.Serial}"); // was readable a moment ago
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task HostStopping_EndsOpenStreams()
    {
        await using var server = new EcServer().Start();
        var org = await TestOrg.CreateAsync(server);
        var d = await org.DeviceAsync();
        await using var sse = await SseStream.OpenAsync(org.Http, $"devices/{d.Serial}/stream");
        await sse.NextAsync("shadow");

        server.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        Assert.True(await sse.EndsWithinAsync(Generous), "the stream should end when the host stops");
    }
}
