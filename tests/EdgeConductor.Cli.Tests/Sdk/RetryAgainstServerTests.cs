using System.Net;
using EdgeConductor.Sdk;
using EdgeConductor.Testing;

namespace EdgeConductor.Cli.Tests.Sdk;

/// <summary>
/// The SDK's retry on 429 against the real server (not a stub): a starter org's 100 requests/min are used up, so the server
/// answers 429 with its own Retry-After. The server runs on a fake clock, and the SDK's waits move that clock, so a retry
/// that honours Retry-After lands in the next window while one that waits less is refused again. Its own server.
/// </summary>
public sealed class RetryAgainstServerTests(RetryAgainstServerTests.Server server) : IClassFixture<RetryAgainstServerTests.Server>
{
    /// <summary>A server of its own: the tests use up org budgets and move its clock.</summary>
    public sealed class Server() : EcServerFactory(new EcServerOptions());

    private EdgeConductorClient Sdk(string apiKey, TimeProvider time, List<RetryInfo> retries, int maxRetries = 3) =>
        new(new HttpClient(server.Server.CreateHandler()), new EdgeConductorOptions
        {
            ApiKey = apiKey,
            BaseUrl = new Uri("http://localhost/api/v1/"),
            TimeProvider = time,
            MaxRetries = maxRetries,
            OnRetry = r => { lock (retries) retries.Add(r); },
        });

    /// <summary>A starter org's key whose window is used up (proved by a 429 before the SDK is involved).</summary>
    private async Task<string> UsedUpStarterKeyAsync()
    {
        var org = await server.Api.CreateOrgAsync(plan: "starter");
        var key = await server.Api.CreateApiKeyAsync(org.Id);
        using var c = server.Api.Client(key.Key);
        for (var i = 0; i < 100; i++) await c.GetAsync($"{EcApi.Base}/devices").ExpectAsync(HttpStatusCode.OK);
        await c.GetAsync($"{EcApi.Base}/devices").ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        return key.Key;
    }

    [Fact]
    public async Task Get_Real429_WaitsTheServersRetryAfter_ThenSucceeds()
    {
        var key = await UsedUpStarterKeyAsync();
        var retries = new List<RetryInfo>();
        var time = new ServerClockDelays(server.Clock);
        using var ec = Sdk(key, time, retries);

        var devices = await ec.Devices.ListAsync();

        Assert.Empty(devices);
        Assert.Equal([TimeSpan.FromSeconds(60)], time.Delays); // the window opened at the first request; the clock had not moved
        var retry = Assert.Single(retries);
        Assert.Equal((HttpMethod.Get, 429, 1, TimeSpan.FromSeconds(60)), (retry.Method, retry.Status, retry.Attempt, retry.Delay));
    }

    [Fact]
    public async Task Get_StillLimitedAfterMaxRetries_ThrowsTheServers429WithRetryAfter()
    {
        var key = await UsedUpStarterKeyAsync();
        var retries = new List<RetryInfo>();
        var time = new Infrastructure.RecordingTimeProvider(); // waits without moving the server's clock: still limited
        using var ec = Sdk(key, time, retries, maxRetries: 2);

        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() => ec.Devices.ListAsync());

        Assert.Equal((429, "RATE_LIMITED"), (ex.Status, ex.Code));
        Assert.Equal(TimeSpan.FromSeconds(60), ex.RetryAfter);
        Assert.Equal([TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60)], time.Delays);
        Assert.Equal([1, 2], retries.Select(r => r.Attempt));
    }

    /// <summary>The SDK's clock: every wait it asks for is recorded, moves the server's fake clock by that much, and ends at once.</summary>
    private sealed class ServerClockDelays(ManualTimeProvider serverClock) : TimeProvider
    {
        public List<TimeSpan> Delays { get; } = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (Delays) Delays.Add(dueTime);
            serverClock.Advance(dueTime);
            ThreadPool.QueueUserWorkItem(_ => callback(state));
            return new Done();
        }

        private sealed class Done : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
