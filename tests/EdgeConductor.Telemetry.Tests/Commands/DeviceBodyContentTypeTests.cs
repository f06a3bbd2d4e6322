using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using EdgeConductor.Telemetry.Tests.Presence;

namespace EdgeConductor.Telemetry.Tests.Commands;

/// <summary>
/// Content-Type handling: a device's acknowledgement is read as JSON whatever its Content-Type (curl -d sends a form
/// type); a route that does require JSON answers 415 naming the type — never 401 "Authentication required", which ASP.NET's
/// 415 endpoint would otherwise get from the authorization fallback policy.
/// </summary>
public sealed class DeviceBodyContentTypeTests(PresenceServerFixture fixture) : IClassFixture<PresenceServerFixture>
{
    private static HttpRequestMessage Request(HttpMethod method, string url, string body, string contentType)
    {
        var req = new HttpRequestMessage(method, url) { Content = new StringContent(body, Encoding.UTF8) };
        req.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return req;
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    public async Task AckWithAFormOrTextContentType_IsReadAsJson(string contentType)
    {
        var server = fixture.Server;
        var org = await TestOrg.CreateAsync(server);
        var d = await org.DeviceAsync();
        var id = (await org.Http.PostRawAsync($"devices/{d.Serial}/commands", """{"cmd":"locate","expires_in":120}""")
            .ExpectAsync(HttpStatusCode.Accepted))["id"]!.GetValue<string>();
        using var device = server.Http();
        using var req = Request(HttpMethod.Post, $"devices/{d.Serial}/commands/{id}/ack", """{"status":"succeeded"}""", contentType);
        req.Headers.Add("X-Device-Secret", d.Secret);
        using var r = await device.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("succeeded", (await org.GetAsync($"devices/{d.Serial}/commands/{id}"))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task ARouteThatTakesJson_Answers415NamingTheType_ForAnonymousAndSignedInCallers()
    {
        var server = fixture.Server;
        var org = await TestOrg.CreateAsync(server);
        var d = await org.DeviceAsync();
        using var anon = server.Http();
        foreach (var http in new[] { anon, org.Http })
        {
            using var req = Request(HttpMethod.Patch, $"devices/{d.Serial}/shadow/desired", """{"relay":true}""", "text/plain");
            using var r = await http.SendAsync(req);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
            Assert.Equal("UNSUPPORTED_MEDIA_TYPE", problem["code"]!.GetValue<string>());
            Assert.Contains("text/plain", problem["detail"]!.GetValue<string>());
        }
        // The control: with the JSON type the same anonymous request is refused for what it is (no credentials).
        using var json = await anon.PatchRawAsync($"devices/{d.Serial}/shadow/desired", """{"relay":true}""");
        Assert.Equal(HttpStatusCode.Unauthorized, json.StatusCode);
    }
}
