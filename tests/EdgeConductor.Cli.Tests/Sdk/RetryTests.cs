using System.Net;
using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Sdk;

namespace EdgeConductor.Cli.Tests.Sdk;

/// <summary>Retries on 429/503 need a server that says so on cue: a stub handler, and a clock that records the waits.</summary>
public sealed class RetryTests
{
    private const string DeviceJson = """
        {"id":"d1","serial_no":"A-1","product_type":"t","fw_version":null,"org_id":"o","room_id":null,"tenant_id":null,"tags":[],
         "shadow_reported":{},"shadow_desired":{},"shadow_version":0,"last_seen":null,"online":false,
         "created_at":"2026-11-22T03:00:00Z","updated_at":"2026-11-22T03:00:00Z"}
        """;

    private static (EdgeConductorClient Client, StubHandler Stub, RecordingTimeProvider Time) Create(int maxRetries = 3, List<RetryInfo>? retries = null)
    {
        var stub = new StubHandler();
        var time = new RecordingTimeProvider();
        var client = new EdgeConductorClient(new HttpClient(stub), new EdgeConductorOptions
        {
            ApiKey = "ec_live_test",
            BaseUrl = new Uri("http://stub:8080/api/v1"),
            TimeProvider = time,
            MaxRetries = maxRetries,
            RetryBaseDelay = TimeSpan.FromMilliseconds(200),
            OnRetry = r => retries?.Add(r),
        });
        return (client, stub, time);
    }

    [Fact]
    public async Task Get_429WithRetryAfter_WaitsThatLongAndRetries()
    {
        var retries = new List<RetryInfo>();
        var (ec, stub, time) = Create(retries: retries);
        stub.Problem(429, "RATE_LIMITED", "Rate limit of 100 requests per minute exceeded.", retryAfterSeconds: 7).Respond(HttpStatusCode.OK, DeviceJson);

        var device = await ec.Devices.GetAsync("A-1");

        Assert.Equal("A-1", device.SerialNo);
        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(7)], time.Delays);
        Assert.Equal([new RetryInfo(HttpMethod.Get, "devices/A-1", 429, 1, TimeSpan.FromSeconds(7))], retries);
        Assert.Equal("Bearer ec_live_test", stub.Requests[1].Headers.Authorization?.ToString());
        Assert.Equal("http://stub:8080/api/v1/devices/A-1", stub.Requests[1].RequestUri?.ToString());
    }

    [Fact]
    public async Task Get_503WithoutRetryAfter_BacksOffExponentially()
    {
        var (ec, stub, time) = Create();
        stub.Problem(503, "SERVICE_UNAVAILABLE", "busy").Problem(503, "SERVICE_UNAVAILABLE", "busy").Respond(HttpStatusCode.OK, "[]");

        var list = await ec.Devices.ListAsync();

        Assert.Empty(list);
        Assert.Equal([TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400)], time.Delays);
    }

    [Fact]
    public async Task Get_StillLimitedAfterMaxRetries_ThrowsWithRetryAfter()
    {
        var (ec, stub, _) = Create(maxRetries: 2);
        for (var i = 0; i < 3; i++) stub.Problem(429, "RATE_LIMITED", "slow down", retryAfterSeconds: 1);

        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() => ec.Orgs.ListAsync());

        Assert.Equal(3, stub.Requests.Count);
        Assert.Equal(429, ex.Status);
        Assert.Equal("RATE_LIMITED", ex.Code);
        Assert.Equal(TimeSpan.FromSeconds(1), ex.RetryAfter);
    }

    [Fact]
    public async Task NonIdempotentPost_429_IsNotRetried()
    {
        var (ec, stub, time) = Create();
        stub.Problem(429, "RATE_LIMITED", "slow down", retryAfterSeconds: 1);

        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() => ec.Devices.RebootAsync("A-1"));

        Assert.Equal(429, ex.Status);
        Assert.Single(stub.Requests);
        Assert.Empty(time.Delays);
    }

    [Fact]
    public async Task IdempotentRegister_503_IsRetried()
    {
        var (ec, stub, _) = Create();
        stub.Problem(503, "SERVICE_UNAVAILABLE", "busy").Respond(HttpStatusCode.Created, DeviceJson.Replace("\"online\":false", "\"online\":false,\"device_secret\":\"s3cret\""));

        var device = await ec.Devices.RegisterAsync("A-1", "t");

        Assert.Equal(2, stub.Requests.Count);
        Assert.True(device.Created);
        Assert.Equal("s3cret", device.DeviceSecret);
    }

    [Fact]
    public async Task RetryAfter_LongerThanMaxRetryDelay_IsCapped()
    {
        var (ec, stub, time) = Create();
        stub.Problem(429, "RATE_LIMITED", "slow down", retryAfterSeconds: 3600).Respond(HttpStatusCode.OK, "[]");

        await ec.Orgs.ListAsync();

        Assert.Equal([TimeSpan.FromSeconds(60)], time.Delays);
    }

    [Fact]
    public async Task NonJsonErrorBody_BecomesDetail()
    {
        var (ec, stub, _) = Create();
        stub.Respond(HttpStatusCode.BadGateway, "<html>upstream down</html>", "text/html");

        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() => ec.Devices.RebootAsync("A-1"));

        Assert.Equal(502, ex.Status);
        Assert.Contains("upstream down", ex.Detail);
        Assert.Null(ex.Code);
    }

    [Fact]
    public void BaseUrl_WithoutPath_GetsApiV1()
    {
        Assert.Equal("http://h:8080/api/v1/", EdgeConductorOptions.NormalizeBaseUrl(new Uri("http://h:8080")).ToString());
        Assert.Equal("http://h:8080/api/v1/", EdgeConductorOptions.NormalizeBaseUrl(new Uri("http://h:8080/api/v1")).ToString());
        Assert.Equal("https://h/x/api/v1/", EdgeConductorOptions.NormalizeBaseUrl(new Uri("https://h/x/api/v1/")).ToString());
    }

    [Fact]
    public async Task ApiKeyProvider_IsAskedBeforeEveryRequest()
    {
        var stub = new StubHandler().Respond(HttpStatusCode.OK, "[]").Respond(HttpStatusCode.OK, "[]");
        var n = 0;
        using var ec = new EdgeConductorClient(new HttpClient(stub), new EdgeConductorOptions
        {
            ApiKey = "ignored",
            ApiKeyProvider = _ => ValueTask.FromResult<string?>("token-" + ++n),
            BaseUrl = new Uri("http://stub/api/v1"),
        });

        await ec.Orgs.ListAsync();
        await ec.Orgs.ListAsync();

        Assert.Equal(["Bearer token-1", "Bearer token-2"], stub.Requests.Select(r => r.Headers.Authorization!.ToString()));
    }
}
