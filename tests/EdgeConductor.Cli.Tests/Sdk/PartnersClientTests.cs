using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Orgs;

namespace EdgeConductor.Cli.Tests.Sdk;

/// <summary><c>client.Partners</c> against the real server: list, get (404 outside scope), stats, customer orgs.</summary>
[Collection(ServerCollection.Name)]
public sealed class PartnersClientTests(ServerFixture server)
{
    /// <summary>Creates a partner as the super admin (the SDK has no call for it) and returns its id.</summary>
    private async Task<string> CreatePartnerAsync(string slug)
    {
        using var http = new HttpClient(server.Handler()) { BaseAddress = ServerFixture.ApiUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.AdminToken);
        using var r = await http.PostAsJsonAsync("partners", new { name = "Partner " + slug, slug, contact_email = slug + "@partner.test", plan = "enterprise" });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Partners_ListGetStatsCreateOrg_AsSuperAdmin()
    {
        var slug = "sdk-p-" + Guid.NewGuid().ToString("N")[..10];
        var partnerId = await CreatePartnerAsync(slug);
        using var admin = server.Client(server.AdminToken);

        var list = await admin.Partners.ListAsync();
        var got = await admin.Partners.GetAsync(partnerId);
        var org = await admin.Partners.CreateOrgAsync(partnerId, new CreateOrgRequest("Customer of " + slug, Plan: "enterprise"));
        var stats = await admin.Partners.StatsAsync(partnerId);

        Assert.Contains(list, p => p.Id == partnerId);
        Assert.Equal(slug, got.Slug);
        Assert.Equal("enterprise", got.Plan);
        Assert.Equal(partnerId, (await admin.Orgs.GetAsync(org.Id)).PartnerId);
        Assert.Equal(1, stats.Orgs);
        Assert.Equal(0, stats.TotalDevices);
    }

    [Fact]
    public async Task Partners_UnknownId_Is404_AndAnOrgKeyIsRefused()
    {
        using var admin = server.Client(server.AdminToken);
        var missing = await Assert.ThrowsAsync<EdgeConductorApiException>(() => admin.Partners.GetAsync("no-such-partner"));
        Assert.Equal(404, missing.Status);

        var org = await server.CreateOrgAsync();
        using var key = server.Client(org.ApiKey);
        var refused = await Assert.ThrowsAsync<EdgeConductorApiException>(() => key.Partners.ListAsync());
        Assert.Equal(403, refused.Status);
    }
}
