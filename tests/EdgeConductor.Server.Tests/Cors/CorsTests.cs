namespace EdgeConductor.Server.Tests.Cors;

/// <summary>
/// EC_CORS_ORIGINS: browser pages of the listed origins may call /api/v1 (preflight answered before authentication and
/// rate limits; the headers the SDK reads exposed, error answers included); other origins get no CORS headers.
/// </summary>
public sealed class CorsTests : IAsyncLifetime
{
    private const string Allowed = "https://dash.example.com";
    private const string Other = "https://evil.example.net";
    private const int AnonLimit = 3;
    private Security.ClientIpServerFactory _server = null!;

    public async Task InitializeAsync() => _server = await Security.ClientIpServerFactory.StartAsync(new EcServerOptions
    {
        AnonymousRequestsPerMinute = AnonLimit,
        Settings = new Dictionary<string, string?> { ["EC_CORS_ORIGINS"] = "http://localhost:5173, " + Allowed + "/" },
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static HttpRequestMessage Preflight(string path, string origin, string method = "GET", string headers = "authorization")
    {
        var r = new HttpRequestMessage(HttpMethod.Options, path);
        r.Headers.Add("Origin", origin);
        r.Headers.Add("Access-Control-Request-Method", method);
        r.Headers.Add("Access-Control-Request-Headers", headers);
        return r;
    }

    private static string? Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;

    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_IsAnsweredWithoutCredentials_AndNeverReachesTheRateLimit()
    {
        // No bearer and more preflights than the anonymous limit from one address: neither authentication nor the limit runs.
        using var c = _server.ClientFrom("198.51.100.1");
        for (var i = 0; i < AnonLimit + 2; i++)
        {
            using var r = await c.SendAsync(Preflight($"{EcApi.Base}/devices/EC-1/shadow/desired", Allowed, "PATCH", "authorization,content-type,if-match"));
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
            Assert.Equal(Allowed, Header(r, "Access-Control-Allow-Origin"));
            Assert.Contains("PATCH", Header(r, "Access-Control-Allow-Methods"));
            var allowedHeaders = Header(r, "Access-Control-Allow-Headers")!.ToLowerInvariant();
            Assert.Contains("authorization", allowedHeaders);
            Assert.Contains("if-match", allowedHeaders);
            Assert.Equal("600", Header(r, "Access-Control-Max-Age"));
            Assert.Null(Header(r, "Access-Control-Allow-Credentials"));
        }
        // The stream route the SDK uses is covered too.
        using var stream = await c.SendAsync(Preflight($"{EcApi.Base}/devices/EC-1/stream", "http://localhost:5173"));
        Assert.Equal("http://localhost:5173", Header(stream, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_GetsNoCorsHeaders()
    {
        using var c = _server.ClientFrom("198.51.100.2");
        using var control = await c.SendAsync(Preflight($"{EcApi.Base}/devices", Allowed));
        Assert.Equal(Allowed, Header(control, "Access-Control-Allow-Origin"));

        using var r = await c.SendAsync(Preflight($"{EcApi.Base}/devices", Other));
        Assert.Null(Header(r, "Access-Control-Allow-Origin"));
        Assert.Null(Header(r, "Access-Control-Allow-Methods"));
        // An origin differing only in scheme or port is another origin.
        using var http = await c.SendAsync(Preflight($"{EcApi.Base}/devices", "http://dash.example.com"));
        Assert.Null(Header(http, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Preflight_ForAHeaderNotAllowed_DoesNotListIt_SoTheBrowserRefuses()
    {
        using var c = _server.ClientFrom("198.51.100.3");
        using var r = await c.SendAsync(Preflight($"{EcApi.Base}/devices", Allowed, "GET", "authorization,x-not-allowed"));
        var listed = (Header(r, "Access-Control-Allow-Headers") ?? "").ToLowerInvariant();
        Assert.Contains("authorization", listed); // control: the allowed one is listed
        Assert.DoesNotContain("x-not-allowed", listed);
    }

    [Fact]
    public async Task RealRequest_FromAnAllowedOrigin_CarriesAllowOrigin_AndExposesTheHeadersTheSdkReads()
    {
        var org = await _server.Api.CreateOrgAsync();
        var key = await _server.Api.CreateApiKeyAsync(org.Id);
        await _server.Api.RegisterDeviceAsync(org.Id);
        using var c = _server.CreateClient(key.Key);
        c.DefaultRequestHeaders.Add("Origin", Allowed);
        using var r = await c.GetAsync($"{EcApi.Base}/devices?limit=1");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(Allowed, Header(r, "Access-Control-Allow-Origin"));
        var exposed = Header(r, "Access-Control-Expose-Headers")!;
        foreach (var h in new[] { "Retry-After", "Location", "ETag", "X-Total-Count", "X-Unread-Count" }) Assert.Contains(h, exposed);
        Assert.NotNull(Header(r, "X-Total-Count"));

        // Another origin: the request is served (CORS is enforced by the browser) but carries no CORS headers.
        using var o = _server.CreateClient(key.Key);
        o.DefaultRequestHeaders.Add("Origin", Other);
        using var other = await o.GetAsync($"{EcApi.Base}/devices?limit=1");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Null(Header(other, "Access-Control-Allow-Origin"));
        Assert.Null(Header(other, "Access-Control-Expose-Headers"));
    }

    [Fact]
    public async Task ErrorAnswers_KeepTheCorsHeaders_SoAPageCanReadRetryAfter()
    {
        using var c = _server.ClientFrom("198.51.100.4");
        c.DefaultRequestHeaders.Add("Origin", Allowed);
        for (var i = 0; i < AnonLimit; i++)
        {
            using var unauthorized = await c.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = "rt_x" + i });
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
            Assert.Equal(Allowed, Header(unauthorized, "Access-Control-Allow-Origin"));
        }
        using var limited = await c.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = "rt_over" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(Header(limited, "Retry-After"));
        Assert.Equal(Allowed, Header(limited, "Access-Control-Allow-Origin"));
        Assert.Contains("Retry-After", Header(limited, "Access-Control-Expose-Headers"));
    }

    [Fact]
    public async Task OutsideTheApi_NoCorsHeaders()
    {
        using var c = _server.CreateClient(bearer: null);
        using var control = await c.SendAsync(Preflight($"{EcApi.Base}/auth/login", Allowed, "POST", "content-type"));
        Assert.Equal(Allowed, Header(control, "Access-Control-Allow-Origin"));
        using var r = await c.SendAsync(Preflight("/account/login", Allowed, "POST", "content-type"));
        Assert.Null(Header(r, "Access-Control-Allow-Origin"));
    }
}

/// <summary>Without EC_CORS_ORIGINS the server sends no CORS headers at all (as before the setting existed).</summary>
public sealed class CorsOffByDefaultTests(EcServerFactory server) : IClassFixture<EcServerFactory>
{
    [Fact]
    public async Task NoSetting_NoCorsHeaders_OnPreflightOrRequest()
    {
        using var c = server.CreateClient(bearer: null);
        var preflight = new HttpRequestMessage(HttpMethod.Options, $"{EcApi.Base}/devices");
        preflight.Headers.Add("Origin", "https://dash.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        using var p = await c.SendAsync(preflight);
        Assert.False(p.Headers.Contains("Access-Control-Allow-Origin"));

        c.DefaultRequestHeaders.Add("Origin", "https://dash.example.com");
        using var r = await c.GetAsync($"{EcApi.Base}/devices");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode); // control: the API answered
        Assert.False(r.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
