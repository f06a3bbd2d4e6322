using System.Text.RegularExpressions;

namespace EdgeConductor.Server.Tests.Observability;

/// <summary>/metrics (Prometheus text), /openapi/v1.json and the Swagger UI at /docs.</summary>
public sealed partial class ObservabilityTests(EcServerFactory server) : IClassFixture<EcServerFactory>
{
    [GeneratedRegex("""^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$""")]
    private static partial Regex SampleLine();

    private async Task<string> ScrapeAsync()
    {
        using var c = server.Api.Client(null);
        var r = await c.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/plain", r.Content.Headers.ContentType?.MediaType);
        Assert.Contains("version=0.0.4", r.Content.Headers.ContentType?.ToString());
        return await r.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Metrics_HasRequestDurationsByRouteAndStatus_AndDeviceCounts()
    {
        var org = await server.Api.CreateOrgAsync();
        var key = await server.Api.CreateApiKeyAsync(org.Id);
        var device = await server.Api.RegisterDeviceAsync(org.Id, bearer: key.Key);
        await server.Api.MarkSeenAsync(device.SerialNo); // so the online gauge has something to count (a 0 proves nothing)
        using (var k = server.Api.Client(key.Key))
            await k.GetAsync($"{EcApi.Base}/devices/NOPE-1").ExpectProblemAsync(HttpStatusCode.NotFound);

        // ASP.NET records a request's duration when its pipeline finishes, which can be just after the client has the
        // response: scrape until the 404 shows up (or 5 s pass), then assert on that scrape.
        var notFoundCount = new System.Text.RegularExpressions.Regex("""http_server_request_duration_seconds_count\{[^}]*http_response_status_code="404"[^}]*http_route="/api/v1/devices/\{serial\}"[^}]*\} [1-9]""");
        var text = await ScrapeAsync();
        for (var deadline = DateTime.UtcNow.AddSeconds(5); !notFoundCount.IsMatch(text) && DateTime.UtcNow < deadline; text = await ScrapeAsync())
            await Task.Delay(50);

        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text);
        Assert.Matches("""http_server_request_duration_seconds_bucket\{[^}]*http_response_status_code="201"[^}]*http_route="/api/v1/devices/register"[^}]*le="\+Inf"\} [1-9]""", text);
        Assert.Matches("""http_server_request_duration_seconds_count\{[^}]*http_response_status_code="404"[^}]*http_route="/api/v1/devices/\{serial\}"[^}]*\} [1-9]""", text);
        Assert.Contains("# TYPE ec_devices gauge", text);
        Assert.Matches("""ec_devices\{status="registered"\} [1-9]""", text);
        Assert.Matches("""ec_devices\{status="online"\} [1-9]""", text);
    }

    [Fact]
    public async Task Metrics_DeviceGauge_CountsThisServersRegistry()
    {
        var start = await ScrapeAsync();
        var before = RegisteredDevices(start);
        var onlineBefore = GaugeValue(start, "online");
        var org = await server.Api.CreateOrgAsync();
        await server.Api.RegisterDeviceAsync(org.Id);
        var online = await server.Api.RegisterDeviceAsync(org.Id);
        await server.Api.MarkSeenAsync(online.SerialNo);
        var text = await ScrapeAsync();
        Assert.Equal(before + 2, RegisteredDevices(text));
        Assert.Equal(onlineBefore + 1, GaugeValue(text, "online"));
    }

    private static long RegisteredDevices(string text) => GaugeValue(text, "registered");

    private static long GaugeValue(string text, string status) =>
        long.Parse(text.Split('\n').Single(l => l.StartsWith($"ec_devices{{status=\"{status}\"}} ", StringComparison.Ordinal)).Split(' ')[1],
            System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Metrics_IsValidTextExposition()
    {
        using (var c = await server.Api.AdminClientAsync())
            await c.GetAsync($"{EcApi.Base}/orgs").ExpectAsync(HttpStatusCode.OK);
        var text = await ScrapeAsync();
        Assert.EndsWith("\n", text);
        var typed = new HashSet<string>();
        var series = new HashSet<string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.True(typed.Add(parts[2]), $"metric {parts[2]} has more than one TYPE line");
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
            }
            else if (!line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                Assert.Matches(SampleLine(), line);
                Assert.True(series.Add(line[..line.LastIndexOf(' ')]) || !line.StartsWith("http_server", StringComparison.Ordinal) && !line.StartsWith("ec_devices", StringComparison.Ordinal),
                    $"duplicate series: {line}");
            }
        }
    }

    [Fact]
    public async Task OpenApi_DocumentsTheApi_Anonymously()
    {
        using var c = server.Api.Client(null);
        var doc = await c.GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        Assert.StartsWith("3.", doc.Str("openapi"));
        Assert.Equal("EdgeConductor API", doc.GetProperty("info").Str("title"));
        var paths = doc.GetProperty("paths");
        foreach (var p in new[] { "/api/v1/auth/login", "/api/v1/devices/register", "/api/v1/devices/{serial}", "/api/v1/orgs/{orgId}/api-keys",
                     "/api/v1/api-keys/{id}", "/api/v1/partners/{partnerId}/stats", "/api/v1/orgs/{orgId}/audit", "/health", "/ready" })
            Assert.True(paths.TryGetProperty(p, out _), $"OpenAPI lacks {p}");
    }

    [Fact]
    public async Task SwaggerUi_IsServedAtDocs()
    {
        using var c = server.Api.Client(null);
        var r = await c.GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("swagger", (await r.Content.ReadAsStringAsync()).ToLowerInvariant());
    }
}
