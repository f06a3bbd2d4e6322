namespace EdgeConductor.Server.Tests.Security;

/// <summary>
/// One number rule for everything devices and users send as data (Common/JsonNumbers): a number must be a finite
/// 64-bit double. Desired state used to accept 1e309 and serve it back; telemetry and reported state refused it.
/// (Reported state over MQTT goes through the same DevicePayload check: Telemetry.Tests BadPayloadTests.)
/// </summary>
public sealed class NumberRuleTests(EcServerFactory server) : IClassFixture<EcServerFactory>
{
    [Theory]
    [InlineData("{\"setpoint\": 1e309}", "setpoint")]
    [InlineData("{\"setpoint\": -1e400}", "setpoint")]
    [InlineData("{\"ok\": 1, \"cfg\": {\"limits\": [1, 2e308]}}", "cfg.limits[1]")]
    public async Task DesiredWithOutOfRangeNumber_Is400NamingTheKey_AndNothingIsStored(string patch, string key)
    {
        var org = await server.Api.CreateOrgAsync();
        var device = await server.Api.RegisterDeviceAsync(org.Id);
        using var c = await server.Api.AdminClientAsync();
        var url = $"{EcApi.Base}/devices/{device.SerialNo}/shadow";

        var p = await c.SendRawAsync(HttpMethod.Patch, url + "/desired", patch).ExpectProblemAsync(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Contains(key, p.Str("detail"));
        Assert.Contains("finite number", p.Str("detail"));
        Assert.True(p.GetProperty("errors").TryGetProperty(key, out _), p.ToString());

        var shadow = await c.GetAsync(url).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("setpoint", shadow.GetProperty("desired").ToString());
        Assert.DoesNotContain("cfg", shadow.GetProperty("desired").ToString());
    }

    [Fact]
    public async Task DesiredWithLargeButFiniteNumbers_IsAccepted()
    {
        var org = await server.Api.CreateOrgAsync();
        var device = await server.Api.RegisterDeviceAsync(org.Id);
        using var c = await server.Api.AdminClientAsync();
        await c.SendRawAsync(HttpMethod.Patch, $"{EcApi.Base}/devices/{device.SerialNo}/shadow/desired", "{\"big\": 1.7e308, \"tiny\": -4.9e-324, \"n\": 9007199254740993}")
            .ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ReportedOverHttps_WithOutOfRangeNumber_Is400NamingTheKey_SameRule()
    {
        var org = await server.Api.CreateOrgAsync();
        var device = await server.Api.RegisterDeviceAsync(org.Id);
        using var c = server.Api.Client(null);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{EcApi.Base}/devices/{device.SerialNo}/telemetry")
        {
            Content = new StringContent("{\"temp\": 21, \"hum\": 1e309}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Device-Secret", device.DeviceSecret);
        var p = await c.SendAsync(request).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'hum' is not a finite number", p.Str("detail"));
    }
}
