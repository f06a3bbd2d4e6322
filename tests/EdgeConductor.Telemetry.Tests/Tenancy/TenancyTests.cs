using System.Net;
using System.Net.Http.Headers;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Tenancy;

/// <summary>Org B's API key sees nothing of org A's devices: every hot-path endpoint answers 404, nothing changes.</summary>
[Collection(ServerCollection.Name)]
public sealed class TenancyTests(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    [Theory]
    [InlineData("GET", "devices/{serial}/telemetry")]
    [InlineData("GET", "devices/{serial}/telemetry/recent")]
    [InlineData("GET", "devices/{serial}/telemetry/latest")]
    [InlineData("GET", "devices/{serial}/telemetry/aggregate?metric=temp")]
    [InlineData("GET", "devices/{serial}/shadow")]
    [InlineData("GET", "devices/{serial}/commands")]
    [InlineData("GET", "devices/{serial}")]
    [InlineData("POST", "devices/{serial}/telemetry")]
    [InlineData("PATCH", "devices/{serial}/shadow/desired")]
    [InlineData("POST", "devices/{serial}/reboot")]
    [InlineData("GET", "orgs/{org}/notifications")]
    public async Task OtherOrgsApiKey_Gets404(string method, string template)
    {
        var a = await TestOrg.CreateAsync(Server);
        var b = await TestOrg.CreateAsync(Server);
        var d = await a.DeviceAsync();
        await a.Http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"temp":21}""").ExpectAsync(HttpStatusCode.OK);

        using var req = new HttpRequestMessage(new HttpMethod(method), template.Replace("{serial}", d.Serial).Replace("{org}", a.Id));
        if (method != "GET") req.Content = new StringContent("""{"relay":true,"temp":99}""", new MediaTypeHeaderValue("application/json"));
        var problem = await b.Http.SendAsync(req).ExpectAsync(HttpStatusCode.NotFound);
        Assert.NotNull(problem["code"]);

        var shadow = await a.GetAsync($"devices/{d.Serial}/shadow");
        Assert.Empty(shadow["desired"]!.AsObject());
        Assert.Equal(21, shadow["reported"]!["temp"]!.GetValue<int>());
        Assert.False((await a.GetAsync($"devices/{d.Serial}/commands"))["reboot"]!.GetValue<bool>());
    }

    [Fact]
    public async Task DeviceSecret_OfOneDevice_DoesNotOpenAnotherOrgsDevice()
    {
        var a = await TestOrg.CreateAsync(Server);
        var b = await TestOrg.CreateAsync(Server);
        var da = await a.DeviceAsync();
        var db = await b.DeviceAsync();
        using var anon = Server.Http();
        await anon.PostRawAsync($"devices/{da.Serial}/telemetry", """{"temp":1}""", db.Secret).ExpectAsync(HttpStatusCode.Unauthorized);
        using var req = new HttpRequestMessage(HttpMethod.Get, $"devices/{da.Serial}/commands");
        req.Headers.Add("X-Device-Secret", db.Secret);
        await anon.SendAsync(req).ExpectAsync(HttpStatusCode.Unauthorized);
    }
}
