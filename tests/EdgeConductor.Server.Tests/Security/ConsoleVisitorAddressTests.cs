using System.Net.Http.Json;
using EdgeConductor.Web.Session;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Server.Tests.Security;

/// <summary>
/// The in-process console tells the API its visitor's address with <see cref="VisitorAddress.HeaderName"/> and this
/// process's secret; anyone else sending that header is still counted as their own address (docs/security.md).
/// </summary>
public sealed class ConsoleVisitorAddressTests : IAsyncLifetime
{
    private const int AnonLimit = 3;
    private ClientIpServerFactory _server = null!;

    public async Task InitializeAsync() =>
        _server = await ClientIpServerFactory.StartAsync(new EcServerOptions { AnonymousRequestsPerMinute = AnonLimit });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private VisitorAddress Visitor => _server.Services.GetRequiredService<VisitorAddress>();

    private static Task<HttpResponseMessage> RefreshAsync(HttpClient c, string header, int i)
    {
        var r = new HttpRequestMessage(HttpMethod.Post, $"{EcApi.Base}/auth/refresh") { Content = JsonContent.Create(new { refresh_token = "rt_" + i }) };
        r.Headers.TryAddWithoutValidation(VisitorAddress.HeaderName, header);
        return c.SendAsync(r);
    }

    [Fact]
    public async Task WithThisProcessSecret_EachNamedVisitorHasItsOwnLimit()
    {
        // All from one connection address (the console's loopback), each call naming another visitor: none is limited.
        using var c = _server.ClientFrom("127.0.0.1");
        for (var i = 0; i < AnonLimit * 3; i++)
            await RefreshAsync(c, Visitor.HeaderValue(IPAddress.Parse($"192.0.2.{i + 1}")), i).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        // And one named visitor is limited on its own.
        for (var i = 0; i < AnonLimit - 1; i++)
            await RefreshAsync(c, Visitor.HeaderValue(IPAddress.Parse("192.0.2.1")), i).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await RefreshAsync(c, Visitor.HeaderValue(IPAddress.Parse("192.0.2.1")), 99).ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }

    [Theory]
    [InlineData(1, "forged-secret {0}")]
    [InlineData(2, "{0}")]
    public async Task ForgedHeaderFromOutside_IsIgnored_TheCallerIsItsOwnAddress(int n, string format)
    {
        using var attacker = _server.ClientFrom($"203.0.113.{n}");
        for (var i = 0; i < AnonLimit; i++)
            await RefreshAsync(attacker, string.Format(format, $"198.51.100.{i + 1}"), i).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await RefreshAsync(attacker, string.Format(format, "198.51.100.200"), 99).ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }

    [Fact]
    public async Task AnotherProcessSecret_IsIgnored()
    {
        // A secret of the same shape but another process (e.g. copied from another server): refused like any forgery.
        var stranger = new VisitorAddress();
        using var attacker = _server.ClientFrom("203.0.113.250");
        for (var i = 0; i < AnonLimit; i++)
            await RefreshAsync(attacker, stranger.HeaderValue(IPAddress.Parse($"198.51.100.{i + 1}")), i).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await RefreshAsync(attacker, stranger.HeaderValue(IPAddress.Parse("198.51.100.9")), 99).ExpectProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }
}
