using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using EdgeConductor.Server.Hosting;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Web.Tests.Access;

/// <summary>
/// The console signs visitors in through the API from loopback; the API's per-IP limits (EC_ANON_RATE_LIMIT, failed-login
/// throttling) must still count each visitor separately: one visitor's failed sign-ins do not lock the others out.
/// Visitors are HTTP clients bound to different loopback addresses (127.0.0.2, 127.0.0.3), posting the real sign-in form.
/// </summary>
public sealed class ConsoleVisitorLimitTests : IAsyncLifetime
{
    private const int AnonLimit = 4;
    private readonly EcServer _server = new(services: s =>
    {
        var options = (EcOptions)s.Single(d => d.ServiceType == typeof(EcOptions)).ImplementationInstance!;
        options.AnonymousRequestsPerMinute = AnonLimit;
    });

    public Task InitializeAsync()
    {
        _server.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task One_visitor_exhausting_the_limit_does_not_lock_out_another()
    {
        using var attacker = Visitor("127.0.0.2");
        string? outcome = null;
        for (var i = 0; i < AnonLimit * 3 && outcome != "throttled"; i++)
            outcome = ErrorOf(await SignInAsync(attacker, EcServer.AdminEmail, "wrong-password-" + i));
        Assert.Equal("throttled", outcome); // the limit is real: this visitor is refused
        Assert.Equal("throttled", ErrorOf(await SignInAsync(attacker, EcServer.AdminEmail, EcServer.AdminPassword)));

        // Another visitor signs in to the same account, through the same console.
        using var other = Visitor("127.0.0.3");
        var location = await SignInAsync(other, EcServer.AdminEmail, EcServer.AdminPassword);
        Assert.Null(ErrorOf(location));
        Assert.Equal("/", location);
    }

    /// <summary>An HTTP client (with cookies, no redirects) whose connections come from <paramref name="address"/>.</summary>
    private HttpClient Visitor(string address) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = true,
        CookieContainer = new CookieContainer(),
        ConnectCallback = async (ctx, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                await socket.ConnectAsync(ctx.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = _server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Opens /login, posts the form with its antiforgery token and returns where the console redirects to.</summary>
    private static async Task<string> SignInAsync(HttpClient visitor, string email, string password)
    {
        var page = await visitor.GetStringAsync("/login");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"");
        Assert.True(token.Success, "the sign-in page has an antiforgery token");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Email"] = email,
            ["Password"] = password,
        });
        using var r = await visitor.PostAsync("/account/login", form);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        return r.Headers.Location!.OriginalString;
    }

    /// <summary>The sign-in page's error code in a redirect to it (invalid, throttled), or null when it went elsewhere.</summary>
    private static string? ErrorOf(string location) =>
        location.StartsWith("/login", StringComparison.Ordinal) ? Regex.Match(location, "[?&]error=([a-z]+)").Groups[1].Value : null;
}
